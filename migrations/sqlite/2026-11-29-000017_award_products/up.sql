-- R12 awards to a 小快轻准 product (excellent product, standard package): the product awarded.
-- The money goes to the product's provider (awards.provider_id); this names the product itself.
CREATE TABLE award_products (
    award_id   BIGINT NOT NULL PRIMARY KEY REFERENCES awards (id),
    product_id BIGINT NOT NULL REFERENCES products (id)
);
CREATE INDEX award_products_product_idx ON award_products (product_id);
