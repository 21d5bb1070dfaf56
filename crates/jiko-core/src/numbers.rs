//! Numbers as the edition prints them: thousands separated by commas, and
//! signed differences (`+1,234件`, `±0件`). A ground module: the reader's
//! messages and the tables both use it.

/// `6,612`
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// `+311件`, `-15件`, `±0件`
pub fn signed(n: i64, unit: &str) -> String {
    match n {
        0 => format!("±0{unit}"),
        n if n > 0 => format!("+{}{unit}", thousands(n)),
        n => format!("{}{unit}", thousands(n)),
    }
}
