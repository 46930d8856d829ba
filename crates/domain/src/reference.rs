//! Reference data of SPEC §2: counties, industries, expense categories.

use serde::{Deserialize, Serialize};

macro_rules! coded_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $zh:literal, $en:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant,)* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The code used on the wire and in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)* }
            }

            pub fn name_zh(self) -> &'static str {
                match self { $($name::$variant => $zh,)* }
            }

            pub fn name_en(self) -> &'static str {
                match self { $($name::$variant => $en,)* }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                match code { $($code => Some($name::$variant),)* _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

coded_enum! {
    /// The 12 counties/districts and 2 zones of Changzhi (SPEC §2).
    County {
        Luzhou = "luzhou", "潞州区", "Luzhou District";
        Shangdang = "shangdang", "上党区", "Shangdang District";
        Tunliu = "tunliu", "屯留区", "Tunliu District";
        Lucheng = "lucheng", "潞城区", "Lucheng District";
        Xiangyuan = "xiangyuan", "襄垣县", "Xiangyuan County";
        Pingshun = "pingshun", "平顺县", "Pingshun County";
        Licheng = "licheng", "黎城县", "Licheng County";
        Huguan = "huguan", "壶关县", "Huguan County";
        Zhangzi = "zhangzi", "长子县", "Zhangzi County";
        Wuxiang = "wuxiang", "武乡县", "Wuxiang County";
        Qinxian = "qinxian", "沁县", "Qin County";
        Qinyuan = "qinyuan", "沁源县", "Qinyuan County";
        Gaoxin = "gaoxin", "长治高新区", "Changzhi High-tech Zone";
        Jingkai = "jingkai", "长治经开区", "Changzhi Economic Development Zone";
    }
}

coded_enum! {
    /// The four pilot sub-industries (实施方案 一).
    Industry {
        NonmetalMaterials = "nonmetal_materials", "非金属新材料制造业", "Non-metallic new materials";
        CompleteEquipment = "complete_equipment", "先进成套设备制造业", "Advanced complete equipment";
        PowerEquipment = "power_equipment", "智能电力设备制造业", "Smart power equipment";
        ChemicalMaterials = "chemical_materials", "绿色化工新材料制造业", "Green chemical new materials";
    }
}

coded_enum! {
    /// Expense categories (第五条(一)1: 软件、云服务、网关、路由等必要的数据采集设备).
    ExpenseCategory {
        Software = "software", "软件", "Software";
        Cloud = "cloud", "云服务", "Cloud services";
        Gateway = "gateway", "网关", "Gateways";
        Router = "router", "路由", "Routers";
        DataAcquisition = "data_acquisition", "数据采集设备", "Data-acquisition equipment";
        Other = "other", "其他", "Other";
    }
}

impl ExpenseCategory {
    /// R4: only the categories named by 第五条(一)1 count towards eligible investment.
    pub fn is_eligible(self) -> bool {
        !matches!(self, ExpenseCategory::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fourteen_counties_four_industries_five_eligible_categories() {
        assert_eq!(County::ALL.len(), 14);
        assert_eq!(Industry::ALL.len(), 4);
        assert_eq!(ExpenseCategory::ALL.iter().filter(|c| c.is_eligible()).count(), 5);
        for c in County::ALL {
            assert_eq!(County::from_code(c.code()), Some(*c));
            assert_eq!(serde_json::to_string(c).unwrap(), format!("\"{}\"", c.code()));
        }
        for i in Industry::ALL {
            assert_eq!(serde_json::to_string(i).unwrap(), format!("\"{}\"", i.code()));
        }
    }
}
