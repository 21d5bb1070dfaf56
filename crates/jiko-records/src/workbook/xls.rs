//! A bounded look at a legacy .xls (BIFF8 in a compound file) before
//! calamine reads it. calamine loads every sheet at once and copies a
//! shared string into each cell that points at it, so a small file whose
//! cells all point at one long string expands to gigabytes; a DIMENSIONS
//! record is taken as a promise and reserved. Here the `Workbook` stream is
//! read sector by sector (we parse the compound file ourselves: calamine's
//! reader is private and the `cfb` crate is not in the tree), holding only
//! the FAT, the list of the stream's sectors and the shared strings'
//! lengths, and the text the cells would hold is summed before calamine is
//! called. Anything we do not understand (not a compound file, a small
//! stream, malformed records) is left to calamine's own error.

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::Path;

use super::{MAX_CELLS, MAX_TEXT_BYTES};

/// What the scan found beyond the bounds.
#[derive(Debug, PartialEq)]
pub(super) enum Over {
    /// More text or more cells than the bounds, across the sheets calamine
    /// loads; `repeated` counts the LABELSST cells.
    Text { repeated: u64 },
    /// A sheet declares (DIMENSIONS) more cells than the bound.
    Extent { rows: u64, cols: u64 },
}

const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const MAX_REGULAR: u32 = 0xFFFF_FFFA;

/// `Some(over)` when calamine would hold more than the bounds; `None` when
/// within them or when the file is not something this scan reads.
pub(super) fn scan(path: &Path) -> Option<Over> {
    let file = File::open(path).ok()?;
    let len = file.metadata().ok()?.len();
    let mut stream = Stream::open(file, len)?;
    walk(&mut stream)
}

/// The `Workbook` (or `Book`) stream, read through its sector chain.
struct Stream {
    file: BufReader<File>,
    shift: u32,
    sectors: Vec<u32>,
    size: u64,
    pos: u64,
}

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}
fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

impl Stream {
    fn open(file: File, len: u64) -> Option<Stream> {
        let mut file = BufReader::new(file);
        let mut h = [0u8; 512];
        file.read_exact(&mut h).ok()?;
        if h[..8] != [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1] {
            return None;
        }
        let shift = u32::from(u16_at(&h, 0x1E)?);
        if shift != 9 && shift != 12 {
            return None;
        }
        let size = 1u64 << shift;
        // No chain or table can name more sectors than the file holds.
        let max_sectors = len / size + 1;
        let read_sector = |file: &mut BufReader<File>, id: u32| -> Option<Vec<u8>> {
            if u64::from(id) >= max_sectors {
                return None;
            }
            file.seek(SeekFrom::Start((u64::from(id) + 1) << shift)).ok()?;
            let mut buf = vec![0u8; size as usize];
            file.read_exact(&mut buf).ok()?;
            Some(buf)
        };
        // DIFAT: 109 entries in the header, then a chain of DIFAT sectors.
        let mut difat: Vec<u32> = (0..109).filter_map(|i| u32_at(&h, 0x4C + 4 * i)).collect();
        let mut next = u32_at(&h, 0x44)?;
        let mut steps = 0u64;
        while next < MAX_REGULAR {
            steps += 1;
            if steps > max_sectors {
                return None;
            }
            let s = read_sector(&mut file, next)?;
            let n = s.len() / 4;
            difat.extend((0..n - 1).filter_map(|i| u32_at(&s, 4 * i)));
            next = u32_at(&s, 4 * (n - 1))?;
        }
        let mut fat = Vec::new();
        for id in difat.into_iter().filter(|id| *id < MAX_REGULAR) {
            if fat.len() as u64 > max_sectors {
                break;
            }
            let s = read_sector(&mut file, id)?;
            fat.extend((0..s.len() / 4).filter_map(|i| u32_at(&s, 4 * i)));
        }
        let chain = |start: u32| -> Option<Vec<u32>> {
            let mut out = Vec::new();
            let mut id = start;
            while id != ENDOFCHAIN {
                if id >= MAX_REGULAR || out.len() as u64 >= max_sectors {
                    return None;
                }
                out.push(id);
                id = *fat.get(id as usize)?;
            }
            Some(out)
        };
        // The directory: 128-byte entries; calamine takes `Workbook`, then `Book`.
        let mut found: [Option<(u32, u64)>; 2] = [None, None];
        for id in chain(u32_at(&h, 0x30)?)? {
            let s = read_sector(&mut file, id)?;
            for e in s.chunks_exact(128) {
                let n = (u16_at(e, 0x40)? as usize / 2).saturating_sub(1).min(31);
                let name: Vec<u16> = (0..n).filter_map(|i| u16_at(e, 2 * i)).collect();
                let name = String::from_utf16_lossy(&name);
                let start = u32_at(e, 0x74)?;
                let len = u64::from(u32_at(e, 0x78)?);
                let which = if name.eq_ignore_ascii_case("Workbook") {
                    0
                } else if name.eq_ignore_ascii_case("Book") {
                    1
                } else {
                    continue;
                };
                found[which].get_or_insert((start, len));
            }
        }
        let (start, len) = found[0].or(found[1])?;
        // A stream under the cutoff (4096 bytes) lives in the mini stream:
        // too small to expand to anything that matters.
        if len < u64::from(u32_at(&h, 0x38)?).max(4096) {
            return None;
        }
        let sectors = chain(start)?;
        if (sectors.len() as u64) << shift < len {
            return None;
        }
        Some(Stream { file, shift, sectors, size: len, pos: 0 })
    }

    fn seek(&mut self, pos: u64) -> Option<()> {
        if pos > self.size {
            return None;
        }
        self.pos = pos;
        Some(())
    }

    /// `buf.len()` bytes at the current position, or `None` past the end.
    fn read(&mut self, buf: &mut [u8]) -> Option<()> {
        let mut done = 0;
        while done < buf.len() {
            if self.pos >= self.size {
                return None;
            }
            let in_sector = self.pos & ((1 << self.shift) - 1);
            let sector = self.sectors[(self.pos >> self.shift) as usize];
            let n = ((1u64 << self.shift) - in_sector).min(self.size - self.pos).min((buf.len() - done) as u64) as usize;
            self.file.seek(SeekFrom::Start(((u64::from(sector) + 1) << self.shift) + in_sector)).ok()?;
            self.file.read_exact(&mut buf[done..done + n]).ok()?;
            done += n;
            self.pos += n as u64;
        }
        Some(())
    }

    /// The next record: its type, its data in `data`.
    fn record(&mut self, data: &mut Vec<u8>) -> Option<u16> {
        let mut h = [0u8; 4];
        self.read(&mut h)?;
        let len = u16::from_le_bytes([h[2], h[3]]) as usize;
        data.resize(len, 0);
        self.read(data)?;
        Some(u16::from_le_bytes([h[0], h[1]]))
    }
}

/// The SST record and its CONTINUE records as one run of bytes; a string's
/// characters that cross into a CONTINUE restart with an options byte.
struct Sst<'a> {
    stream: &'a mut Stream,
    data: Vec<u8>,
    at: usize,
}

impl Sst<'_> {
    /// Move into the next CONTINUE record when this one is read; `false`
    /// when none follows.
    fn more(&mut self) -> Option<bool> {
        if self.at < self.data.len() {
            return Some(true);
        }
        let back = self.stream.pos;
        let mut next = Vec::new();
        match self.stream.record(&mut next) {
            Some(0x003C) => {
                self.data = next;
                self.at = 0;
                Some(true)
            }
            _ => {
                self.stream.seek(back)?;
                Some(false)
            }
        }
    }

    fn byte(&mut self) -> Option<u8> {
        if !self.more()? {
            return None;
        }
        self.at += 1;
        Some(self.data[self.at - 1])
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes([self.byte()?, self.byte()?]))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes([self.byte()?, self.byte()?, self.byte()?, self.byte()?]))
    }

    fn skip(&mut self, mut n: u64) -> Option<()> {
        while n > 0 {
            if !self.more()? {
                return None;
            }
            let k = ((self.data.len() - self.at) as u64).min(n);
            self.at += k as usize;
            n -= k;
        }
        Some(())
    }

    /// One XLUnicodeRichExtendedString: the bytes of UTF-8 calamine makes
    /// of it.
    fn string(&mut self) -> Option<u64> {
        let cch = self.u16()?;
        let flags = self.byte()?;
        let runs = if flags & 0x8 != 0 { self.u16()? } else { 0 };
        let ext = if flags & 0x4 != 0 { self.u32()? } else { 0 };
        let mut wide = flags & 0x1 != 0;
        let mut bytes = 0u64;
        for _ in 0..cch {
            if self.at >= self.data.len() {
                if !self.more()? {
                    return None;
                }
                // Characters continued: the CONTINUE starts with their width.
                wide = self.byte()? & 0x1 != 0;
            }
            bytes += if wide {
                match self.u16()? {
                    0..=0x7F => 1,
                    0x80..=0x7FF => 2,
                    0xD800..=0xDFFF => 2,
                    _ => 3,
                }
            } else if self.byte()? < 0x80 {
                1
            } else {
                2
            };
        }
        self.skip(u64::from(runs) * 4 + u64::from(ext))?;
        Some(bytes)
    }
}

/// Walk the globals (the SST, the sheets' offsets), then each sheet as
/// calamine will, summing what its cells would hold.
fn walk(stream: &mut Stream) -> Option<Over> {
    let mut data = Vec::new();
    let mut strings: Vec<u32> = Vec::new();
    let mut sheets: Vec<u64> = Vec::new();
    loop {
        match stream.record(&mut data)? {
            0x000A => break,
            // Encrypted: calamine refuses it, and the records are not ours to read.
            0x002F => return None,
            0x0085 => sheets.push(u64::from(u32_at(&data, 0)?)),
            0x00FC if data.len() >= 8 => {
                let rest = data[8..].to_vec();
                let mut sst = Sst { stream: &mut *stream, data: rest, at: 0 };
                while sst.more()? {
                    strings.push(sst.string()?.min(u64::from(u32::MAX)) as u32);
                }
            }
            _ => {}
        }
    }
    let (mut text, mut cells, mut repeated) = (0u64, 0u64, 0u64);
    // calamine walks a sheet's records from its offset; the walk here stops
    // at the bounds, and at most reads the stream once per sheet named.
    let mut walked = 0u64;
    for at in sheets {
        stream.seek(at)?;
        let mut depth = 0u32;
        while let Some(typ) = stream.record(&mut data) {
            walked += data.len() as u64 + 4;
            if walked > super::MAX_ZIP_BYTES {
                return Some(Over::Text { repeated });
            }
            match typ {
                0x0809 => depth += 1,
                0x000A if depth <= 1 => break,
                0x000A => depth -= 1,
                _ if depth > 1 => {}
                // As calamine reads it (first row and column, one past the
                // last; its sums wrap in u32), since it reserves that much.
                0x0200 if data.len() == 14 || data.len() == 16 => {
                    let (rf, rl) = (u32_at(&data, 0)?, u32_at(&data, 4)?);
                    let (mut cf, cl) = (u32::from(u16_at(&data, 8)?), u32::from(u16_at(&data, 10)?));
                    if cf > 0xFF || cl < cf {
                        cf = 0;
                    }
                    if rl == 0 || cl == 0 {
                        continue;
                    }
                    let rows = u64::from((rl - 1).wrapping_sub(rf).wrapping_add(1));
                    let cols = u64::from((cl - 1).wrapping_sub(cf).wrapping_add(1));
                    if rows.saturating_mul(cols) > MAX_CELLS {
                        return Some(Over::Extent { rows, cols });
                    }
                }
                0x00FD if data.len() >= 10 => {
                    cells += 1;
                    repeated += 1;
                    text += strings.get(u32_at(&data, 6)? as usize).map_or(0, |n| u64::from(*n));
                }
                // LABEL, RSTRING, a formula's STRING: text as long as the record.
                0x0204 | 0x00D6 | 0x0207 => {
                    cells += 1;
                    text += 2 * data.len() as u64;
                }
                0x0203 | 0x0205 | 0x027E | 0x0006 => cells += 1,
                0x00BD => cells += (data.len() as u64).saturating_sub(6) / 6,
                _ => {}
            }
            if text > MAX_TEXT_BYTES || cells > MAX_CELLS {
                return Some(Over::Text { repeated });
            }
        }
    }
    None
}
