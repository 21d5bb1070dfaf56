//! What MIC published, built into the binary from `data/published/` (its
//! README and history/README.md say where each figure comes from), so a
//! run from any folder knows the same published years.

use std::collections::BTreeMap;

use anyhow::Result;

use crate::figures::parse_published;

/// Each file, by name, with the fiscal year it describes (`None`: several).
const FILES: &[(&str, Option<i32>, &str)] = &[
    ("data/published/major_trend.csv", None, include_str!("../data/published/major_trend.csv")),
    ("data/published/fy2019.csv", Some(2019), include_str!("../data/published/fy2019.csv")),
    ("data/published/fy2020.csv", Some(2020), include_str!("../data/published/fy2020.csv")),
    ("data/published/history/fy2007.csv", Some(2007), include_str!("../data/published/history/fy2007.csv")),
    ("data/published/history/fy2008.csv", Some(2008), include_str!("../data/published/history/fy2008.csv")),
    ("data/published/history/fy2009.csv", Some(2009), include_str!("../data/published/history/fy2009.csv")),
    ("data/published/history/fy2010.csv", Some(2010), include_str!("../data/published/history/fy2010.csv")),
    ("data/published/history/fy2011.csv", Some(2011), include_str!("../data/published/history/fy2011.csv")),
    ("data/published/history/fy2012.csv", Some(2012), include_str!("../data/published/history/fy2012.csv")),
    ("data/published/history/fy2013.csv", Some(2013), include_str!("../data/published/history/fy2013.csv")),
    ("data/published/history/fy2014.csv", Some(2014), include_str!("../data/published/history/fy2014.csv")),
    ("data/published/history/fy2015.csv", Some(2015), include_str!("../data/published/history/fy2015.csv")),
    ("data/published/history/fy2022.csv", Some(2022), include_str!("../data/published/history/fy2022.csv")),
];

/// One published figure and the file it is in.
#[derive(Debug, Clone)]
pub struct Figure {
    pub value: String,
    pub file: &'static str,
}

/// A built-in published file: by its path as shipped
/// (`data/published/fy2020.csv`), or the year's own file (`None`).
pub fn builtin_file(name: Option<&str>, year: i32) -> Option<(&'static str, &'static str)> {
    FILES.iter().find(|(n, fy, _)| match name {
        Some(name) => *n == name,
        None => *fy == Some(year),
    }).map(|(n, _, text)| (*n, *text))
}

/// Published figures by (fiscal year, table, row, column).
#[derive(Debug, Default)]
pub struct Published {
    figures: BTreeMap<(i32, String, String, String), Figure>,
}

impl Published {
    /// The built-in files. A year's own file wins over another year's
    /// mention of it (the major-accident series names many years).
    pub fn builtin(lang: crate::lang::Lang) -> Result<Published> {
        let mut p = Published::default();
        for (name, fy, text) in FILES {
            for (_, [table, row, column, value]) in parse_published(lang, name, text.as_bytes())? {
                let year = match (fy, table.as_str()) {
                    (_, "major_trend") => row.parse().ok(),
                    (Some(fy), _) => Some(*fy),
                    (None, _) => None,
                };
                let Some(year) = year else { continue };
                let key = (year, table, row, column);
                let own = *fy == Some(year);
                if own || !p.figures.contains_key(&key) {
                    p.figures.insert(key, Figure { value, file: name });
                }
            }
        }
        Ok(p)
    }

    pub fn get(&self, fy: i32, table: &str, row: &str, column: &str) -> Option<&Figure> {
        self.figures.get(&(fy, table.to_string(), row.to_string(), column.to_string()))
    }

    /// Every fiscal year with a published figure.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.figures.keys().map(|(fy, _, _, _)| *fy)
    }

    /// Major accidents per fiscal year, as the trend chart takes them.
    pub fn major_trend(&self) -> Vec<(i32, u64)> {
        self.figures
            .iter()
            .filter(|((_, t, _, c), _)| t == "major_trend" && c == "count")
            .filter_map(|((_, _, row, _), f)| Some((row.parse().ok()?, f.value.parse().ok()?)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_years_are_built_in() {
        let p = Published::builtin(crate::lang::Lang::En).unwrap();
        assert_eq!(p.get(2013, "summary", "detailed", "reports").unwrap().value, "7243");
        assert_eq!(p.get(2008, "major_trend", "2008", "count").unwrap().value, "18");
        assert!(p.get(2017, "major_trend", "2017", "count").is_none(), "FY2016–FY2018 are not known");
        assert!(p.major_trend().iter().any(|(fy, n)| *fy == 2015 && *n == 8));
    }
}
