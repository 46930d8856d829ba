//! The query-string extractor: `?county=luzhou&page=2` into a typed filter; a bad value answers
//! 422 naming the parameter (problem+json), never actix's plain-text 400. Unknown parameters are
//! ignored.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use dtpilot_api_types::FieldError;
use serde::de::DeserializeOwned;

use crate::error::ApiError;

pub struct QueryParams<T>(pub T);

pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { "(query)".to_string() } else { field };
        let message = format!("查询参数格式不正确({})", e.inner());
        ApiError::invalid(vec![FieldError { field, message }])
    })
}

impl<T: DeserializeOwned> FromRequest for QueryParams<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(QueryParams))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dtpilot_domain::reference::County;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct Q {
        county: Option<County>,
        page: Option<i64>,
    }

    #[test]
    fn typed_values_and_named_errors() {
        let q: Q = parse("county=luzhou&page=2&other=x").unwrap();
        assert_eq!((q.county, q.page), (Some(County::Luzhou), Some(2)));
        let e = parse::<Q>("page=two").err().unwrap().problem();
        assert_eq!((e.status, e.errors[0].field.as_str()), (422, "page"));
        let e = parse::<Q>("county=atlantis").err().unwrap().problem();
        assert_eq!(e.errors[0].field, "county");
    }
}
