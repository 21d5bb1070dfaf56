//! The おそれ事態 facts of a record or of classify's flags, read from text:
//! the reader's job (codes, counts, dates as offices write them); the rules
//! only judge them.


use jiko_core::rules::near_miss::{position, Coded, Facts, Field};
use jiko_core::rules::NearMissRules;

/// Read one fact from its text (a flag's or a cell's), or say what is
/// wrong with it; the command line and the records read the same way.
pub fn set_fact(lang: jiko_core::lang::Lang, f: &mut Facts, r: &NearMissRules, field: Field, v: &str) -> Result<(), String> {
    let n = &r.raw;
    fn codes<T: Coded>(list: &[T]) -> String {
        list.iter().map(|c| c.code()).collect::<Vec<_>>().join(", ")
    }
    match field {
        Field::Situation => f.situation = Some(position(&n.situations, v).ok_or_else(|| jiko_core::say!(lang, "not a situation code: {l}", "事態のコードではありません: {l}", l = codes(&n.situations)))?),
        Field::Function => f.function = Some(position(&n.functions, v).ok_or_else(|| jiko_core::say!(lang, "not a function code: {l}", "機能のコードではありません: {l}", l = codes(&n.functions)))?),
        Field::CarrierUsers => f.carrier_users = Some(super::values::count(lang, v)?),
        Field::Prefectures => {
            let p = super::values::count(lang, v).ok().and_then(|p| u32::try_from(p).ok()).filter(|p| (1..=47).contains(p));
            f.prefectures = Some(p.ok_or_else(|| jiko_core::say!(lang, "not a number of prefectures (1–47)", "都道府県の数（1〜47）ではありません"))?);
        }
        Field::Known => {
            let m = crate::dates::parse_minute(v).or_else(|| crate::dates::parse_minute(&format!("{} 00:00", v.trim())));
            f.known = Some(m.ok_or_else(|| jiko_core::say!(lang, "not a date; accepted: {f}", "日付として読めません。使える形: {f}", f = super::dates::accepted_forms(lang)))?);
        }
        Field::Exclusions => {
            for piece in v.split([';', '、', ',', '，']).map(str::trim).filter(|p| !p.is_empty()) {
                let e = position(&n.exclusions, piece).ok_or_else(|| jiko_core::say!(lang, "{p:?}: not an exclusion code: {l}", "{p:?}: 除外事由のコードではありません: {l}", p = piece, l = codes(&n.exclusions)))?;
                f.exclusions.push(e);
            }
        }
    }
    Ok(())
}
