//! Japanese text on chart bitmaps. The fonts (Noto Sans CJK JP subsets, OFL)
//! are compiled into the binary, so charts render the same on any machine.
//! Glyphs are rasterised with ab_glyph and placed by their own bounds:
//! plotters' ab_glyph path drops each glyph's left side bearing, which
//! spaces full-width punctuation and kana unevenly.

use ab_glyph::{point, Font, FontRef, PxScale, ScaleFont};
use anyhow::{bail, Result};

pub(crate) const REGULAR: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/fonts/NotoSansJP-Regular-jis0208.otf"));
const BOLD: &[u8] = include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/data/fonts/NotoSansJP-Bold-jis0208.otf"));

/// The regular font cut down to the glyphs `text` uses (and `.notdef`),
/// a standalone OpenType font with a Unicode cmap that browsers accept:
/// what a page embeds instead of the whole 2 MB font.
pub(crate) fn regular_subset(text: &str) -> Result<Vec<u8>> {
    use allsorts::binary::read::ReadScope;
    use allsorts::font_data::FontData;
    use allsorts::subset::{subset, CmapTarget, SubsetProfile};
    let face = FontRef::try_from_slice(REGULAR)?;
    let mut ids: Vec<u16> = text.chars().map(|c| face.glyph_id(c).0).filter(|g| *g != 0).collect();
    ids.push(0);
    ids.sort_unstable();
    ids.dedup();
    let data = ReadScope::new(REGULAR).read::<FontData<'_>>().map_err(|e| anyhow::anyhow!("reading the font: {e}"))?;
    let provider = data.table_provider(0).map_err(|e| anyhow::anyhow!("reading the font: {e}"))?;
    subset(&provider, &ids, &SubsetProfile::Minimal, CmapTarget::Unicode).map_err(|e| anyhow::anyhow!("subsetting the font: {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Left,
    Center,
    Right,
}

pub struct Fonts {
    regular: FontRef<'static>,
    bold: FontRef<'static>,
}

impl Fonts {
    pub fn load() -> Result<Fonts> {
        Ok(Fonts { regular: FontRef::try_from_slice(REGULAR)?, bold: FontRef::try_from_slice(BOLD)? })
    }

    fn font(&self, weight: Weight) -> &FontRef<'static> {
        match weight {
            Weight::Regular => &self.regular,
            Weight::Bold => &self.bold,
        }
    }

    /// ab_glyph scales by ascent-to-descent height; this gives an em of `px`.
    fn scale(&self, weight: Weight, px: f32) -> PxScale {
        let f = self.font(weight);
        let upem = f.units_per_em().unwrap_or(1000.0);
        PxScale::from(px * f.height_unscaled() / upem)
    }

    /// Characters of `text` the fonts cannot draw (control characters aside).
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = text
            .chars()
            .filter(|c| !c.is_control() && *c != ' ')
            .filter(|&c| self.regular.glyph_id(c).0 == 0 || self.bold.glyph_id(c).0 == 0)
            .collect();
        out.dedup();
        out
    }

    /// Fail, naming the characters, if any label has a glyph the fonts lack.
    pub fn check<'a>(&self, what: &str, labels: impl IntoIterator<Item = &'a str>) -> Result<()> {
        self.check_in(crate::lang::Lang::En, what, labels)
    }

    /// `check`, its error in the language `lang`.
    pub fn check_in<'a>(&self, lang: crate::lang::Lang, what: &str, labels: impl IntoIterator<Item = &'a str>) -> Result<()> {
        let mut problems = Vec::new();
        for label in labels {
            let missing = self.missing(label);
            if !missing.is_empty() {
                let chars: Vec<String> = missing.iter().map(|c| format!("{c} (U+{:04X})", *c as u32)).collect();
                problems.push(crate::say!(lang, "{} in {label:?}", "{label:?} の {}", chars.join(", ")));
            }
        }
        if !problems.is_empty() {
            bail!(crate::say!(lang, "{what}: the chart font has no glyph for {}", "{what}: グラフのフォントに次の文字の字形がありません: {}", problems.join(if lang.ja() { "、" } else { "; " })));
        }
        Ok(())
    }

    /// Width of one line of text in pixels.
    pub fn width(&self, text: &str, px: f32, weight: Weight) -> f32 {
        let font = self.font(weight).as_scaled(self.scale(weight, px));
        let mut w = 0.0;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                w += font.kern(p, id);
            }
            w += font.h_advance(id);
            prev = Some(id);
        }
        w
    }

    /// Draw one line with its baseline-centred box at `y` (the text's
    /// vertical middle), blending `rgb` into an RGB buffer of width `w`.
    #[allow(clippy::too_many_arguments)]
    pub fn draw(
        &self,
        buf: &mut [u8],
        (w, h): (u32, u32),
        text: &str,
        (x, y): (f32, f32),
        px: f32,
        weight: Weight,
        anchor: Anchor,
        rgb: [u8; 3],
    ) -> Result<()> {
        let missing = self.missing(text);
        if !missing.is_empty() {
            bail!("the chart font has no glyph for {missing:?} in {text:?}");
        }
        let scale = self.scale(weight, px);
        let font = self.font(weight).as_scaled(scale);
        let width = self.width(text, px, weight);
        let left = match anchor {
            Anchor::Left => x,
            Anchor::Center => x - width / 2.0,
            Anchor::Right => x - width,
        };
        // Centre the em box (ascent + descent) on y.
        let baseline = y + (font.ascent() + font.descent()) / 2.0;
        let mut caret = left;
        let mut prev = None;
        for c in text.chars() {
            let id = font.glyph_id(c);
            if let Some(p) = prev {
                caret += font.kern(p, id);
            }
            let glyph = id.with_scale_and_position(scale, point(caret, baseline));
            caret += font.h_advance(id);
            prev = Some(id);
            let Some(outline) = font.outline_glyph(glyph) else { continue };
            let bounds = outline.px_bounds();
            outline.draw(|gx, gy, coverage| {
                let px = bounds.min.x as i64 + i64::from(gx);
                let py = bounds.min.y as i64 + i64::from(gy);
                if px < 0 || py < 0 || px >= i64::from(w) || py >= i64::from(h) {
                    return;
                }
                let at = ((py as usize) * w as usize + px as usize) * 3;
                let a = coverage.clamp(0.0, 1.0);
                for k in 0..3 {
                    let old = f32::from(buf[at + k]);
                    buf[at + k] = (old + (f32::from(rgb[k]) - old) * a).round() as u8;
                }
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn japanese_labels_have_glyphs_and_others_are_named() {
        let fonts = Fonts::load().unwrap();
        fonts.check("t", ["発生要因別の内訳（件）", "令和2年度", "ソフトウェア", "四半期報告対象外", "±0ポイント"]).unwrap();
        let err = fonts.check("cause.png", ["OK", "𠮷野家"]).unwrap_err().to_string();
        assert!(err.contains("cause.png"), "{err}");
        assert!(err.contains("𠮷 (U+20BB7)"), "{err}");
    }

    #[test]
    fn em_size_is_the_nominal_size() {
        let fonts = Fonts::load().unwrap();
        // A full-width character advances one em.
        let w = fonts.width("漢", 20.0, Weight::Regular);
        assert!((w - 20.0).abs() < 0.5, "{w}");
    }

    #[test]
    fn side_bearings_are_kept() {
        // Full-width parentheses sit at the edge of their em box: drawn with
        // their bearings, "（件）" inks the left half of its first em only.
        let fonts = Fonts::load().unwrap();
        let (w, h) = (200u32, 60u32);
        let mut buf = vec![255u8; (w * h * 3) as usize];
        fonts.draw(&mut buf, (w, h), "（", (0.0, 30.0), 40.0, Weight::Regular, Anchor::Left, [0, 0, 0]).unwrap();
        let inked: Vec<u32> = (0..w)
            .filter(|&x| (0..h).any(|y| buf[((y * w + x) * 3) as usize] < 128))
            .collect();
        assert!(!inked.is_empty());
        assert!(*inked.first().unwrap() >= 15, "the bearing of （ is applied: {inked:?}");
    }
}
