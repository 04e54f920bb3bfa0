//! The report as a PDF, made in-process (krilla: fonts embedded and subset, text kept extractable). The
//! blocks are laid out first into pages of positioned lines (`layout`, plain data), then drawn (`render`).
//! Lines break at spaces (fixed-width text anywhere); each line is ordered by the Unicode bidi algorithm
//! and each of its runs shaped in its own direction, so Arabic joins and reads right to left, with Latin
//! codes and hashes inside it left to right. DejaVu Sans covers Latin, Arabic and the other scripts used.

use crate::sections::{blocks, Block};
use crate::words::Words;
use custodia_core::report::ReportData;
use krilla::color::rgb;
use krilla::geom::Point;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::text::{Font, GlyphId, KrillaGlyph, TextDirection};
use krilla::Document;
use unicode_bidi::{BidiInfo, Level};

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
const MONO: &[u8] = include_bytes!("../fonts/DejaVuSansMono.ttf");
const MARGIN: f32 = 50.0;

/// The paper a PDF report is laid out for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    Letter,
}

impl Paper {
    fn size(self) -> (f32, f32) {
        match self {
            Paper::A4 => (595.28, 841.89),
            Paper::Letter => (612.0, 792.0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Face {
    Regular,
    Bold,
    Mono,
}

impl Face {
    fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
            Face::Mono => MONO,
        }
    }
}

/// A style: face, size in points, red or not.
#[derive(Debug, Clone, Copy)]
struct Style {
    face: Face,
    size: f32,
    alert: bool,
}

const fn style(face: Face, size: f32) -> Style {
    Style { face, size, alert: false }
}

/// One line placed on a page: its runs in visual order, left to right, from `x`.
#[derive(Debug, Clone)]
struct Line {
    x: f32,
    y: f32,
    style: Style,
    runs: Vec<(String, TextDirection)>,
}

/// Shapes for measuring: one rustybuzz face per font, and the widths already measured (a report repeats
/// the same names, actions and labels on every line).
struct Shaper {
    faces: [(Face, rustybuzz::Face<'static>); 3],
    known: std::cell::RefCell<std::collections::HashMap<(Face, u32, bool, String), f32>>,
}

impl Shaper {
    fn new() -> Shaper {
        let face = |f: Face| (f, rustybuzz::Face::from_slice(f.bytes(), 0).expect("embedded font"));
        Shaper { faces: [face(Face::Regular), face(Face::Bold), face(Face::Mono)], known: Default::default() }
    }

    fn face(&self, face: Face) -> &rustybuzz::Face<'static> {
        &self.faces.iter().find(|(f, _)| *f == face).expect("every face").1
    }

    fn shape(&self, text: &str, face: &rustybuzz::Face<'static>, rtl: bool) -> rustybuzz::GlyphBuffer {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.set_direction(if rtl { rustybuzz::Direction::RightToLeft } else { rustybuzz::Direction::LeftToRight });
        rustybuzz::shape(face, &[], buffer)
    }

    /// `text` shaped for drawing, in visual order, with the part of the text each glyph stands for (so the
    /// PDF's text can be copied and searched), and its advance in points.
    fn glyphs(&self, text: &str, style: Style, rtl: bool) -> (Vec<KrillaGlyph>, f32) {
        let face = self.face(style.face);
        let shaped = self.shape(text, face, rtl);
        let em = face.units_per_em() as f32;
        let clusters: Vec<usize> = shaped.glyph_infos().iter().map(|g| g.cluster as usize).collect();
        // A glyph's text runs from its cluster to the next cluster in logical order: after it in visual
        // order left to right, before it right to left.
        let end = |i: usize| -> usize {
            let later = if rtl {
                clusters[..i].iter().rev().find(|c| **c != clusters[i])
            } else {
                clusters[i + 1..].iter().find(|c| **c != clusters[i])
            };
            later.copied().unwrap_or(text.len())
        };
        let mut width = 0.0;
        let glyphs = shaped
            .glyph_infos()
            .iter()
            .zip(shaped.glyph_positions())
            .enumerate()
            .map(|(i, (info, pos))| {
                width += pos.x_advance as f32;
                let (x, dx, dy, y) = (
                    pos.x_advance as f32 / em,
                    pos.x_offset as f32 / em,
                    pos.y_offset as f32 / em,
                    pos.y_advance as f32 / em,
                );
                KrillaGlyph::new(GlyphId::new(info.glyph_id), x, dx, dy, y, clusters[i]..end(i), None)
            })
            .collect();
        (glyphs, width * style.size / em)
    }

    /// The advance of `text` in `style`, shaped in direction `rtl`.
    fn width(&self, text: &str, style: Style, rtl: bool) -> f32 {
        let key = (style.face, style.size.to_bits(), rtl, text.to_string());
        if let Some(width) = self.known.borrow().get(&key) {
            return *width;
        }
        let face = self.face(style.face);
        let shaped = self.shape(text, face, rtl);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        let width = units as f32 * style.size / face.units_per_em() as f32;
        self.known.borrow_mut().insert(key, width);
        width
    }
}

/// Lays the blocks out on pages.
struct Layout<'a> {
    shaper: &'a Shaper,
    rtl: bool,
    page: (f32, f32),
    y: f32,
    pages: Vec<Vec<Line>>,
}

impl Layout<'_> {
    fn width(&self) -> f32 {
        self.page.0 - 2.0 * MARGIN
    }

    fn space(&mut self, points: f32) {
        self.y += points;
    }

    /// Starts a new page when `height` more points do not fit.
    fn room(&mut self, height: f32) {
        if self.pages.is_empty() || self.y + height > self.page.1 - MARGIN {
            self.pages.push(Vec::new());
            self.y = MARGIN;
        }
    }

    /// A paragraph, broken into lines that fit, each placed by its direction.
    /// Fixed-width text (the signed note, keys, hashes) is code: left to right on every page.
    fn text(&mut self, text: &str, style: Style, indent: f32) {
        let rtl = self.rtl && style.face != Face::Mono;
        let width = self.width() - indent;
        for line in self.break_lines(text, style, width, rtl) {
            self.room(style.size * 1.45);
            self.y += style.size * 1.2;
            let runs = visual_runs(&line, rtl);
            let total: f32 =
                runs.iter().map(|(t, d)| self.shaper.width(t, style, *d == TextDirection::RightToLeft)).sum();
            let x = if rtl { self.page.0 - MARGIN - indent - total } else { MARGIN + indent };
            let y = self.y;
            self.pages.last_mut().expect("a page").push(Line { x, y, style, runs });
            self.y += style.size * 0.25;
        }
    }

    /// Greedy breaking at spaces; a word wider than the line (a hash, a key) is cut where it must be.
    fn break_lines(&self, text: &str, style: Style, width: f32, rtl: bool) -> Vec<String> {
        // Each word is shaped once and a line's width is the sum of its words and spaces: no script joins
        // letters across a space, so this is the shaped width of the line, found in linear time.
        let space = self.shaper.width(" ", style, rtl);
        let mut lines = Vec::new();
        for source_line in text.split('\n') {
            let (mut line, mut used) = (String::new(), 0.0f32);
            for word in source_line.split(' ') {
                let word_width = self.shaper.width(word, style, rtl);
                let added = if line.is_empty() { word_width } else { space + word_width };
                if used + added <= width {
                    if !line.is_empty() {
                        line.push(' ');
                    }
                    line.push_str(word);
                    used += added;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                line = self.cut_long(word, style, width, rtl, &mut lines);
                used = self.shaper.width(&line, style, rtl);
            }
            lines.push(line);
        }
        lines
    }

    /// Pushes full-width pieces of `word` and returns what is left of it.
    fn cut_long(&self, word: &str, style: Style, width: f32, rtl: bool, lines: &mut Vec<String>) -> String {
        let mut piece = String::new();
        for c in word.chars() {
            piece.push(c);
            if self.shaper.width(&piece, style, rtl) > width && piece.chars().count() > 1 {
                piece.pop();
                lines.push(std::mem::replace(&mut piece, c.to_string()));
            }
        }
        piece
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Title(t) => self.text(t, style(Face::Bold, 18.0), 0.0),
            Block::Heading(t) => {
                self.space(10.0);
                self.room(60.0);
                self.text(t, style(Face::Bold, 13.0), 0.0);
            }
            Block::Subheading(t) => {
                self.space(5.0);
                self.room(40.0);
                self.text(t, style(Face::Bold, 10.5), 0.0);
            }
            Block::Para(t) => self.text(t, style(Face::Regular, 9.5), 0.0),
            Block::Alert(t) => self.text(t, Style { alert: true, ..style(Face::Bold, 9.5) }, 0.0),
            Block::Mono(t) => self.text(t, style(Face::Mono, 7.0), 8.0),
            Block::Field { label, value, mono: true } => {
                self.text(label, style(Face::Bold, 9.0), 0.0);
                self.text(value, style(Face::Mono, 7.5), 8.0);
            }
            Block::Field { label, value, mono: false } => {
                self.text(&format!("{label}: \u{2068}{value}\u{2069}"), style(Face::Regular, 9.0), 0.0)
            }
            Block::EventHeader(labels) => {
                self.space(3.0);
                let shown = [&labels[0], &labels[1], &labels[2], &labels[3], &labels[4], &labels[6]];
                self.text(&row(&shown), style(Face::Bold, 8.0), 0.0);
            }
            Block::Event { cells, hash, proof, ok } => {
                self.room(30.0);
                let line = row(&[&cells[0], &cells[1], &cells[2], &cells[3], &cells[4], proof]);
                self.text(&line, Style { alert: !ok, ..style(Face::Regular, 8.0) }, 0.0);
                self.text(hash, style(Face::Mono, 7.0), 8.0);
            }
        }
    }
}

/// Cells on one line, each a bidi isolate so that a time or a code keeps its order in either direction.
fn row(cells: &[&String]) -> String {
    cells.iter().map(|c| format!("\u{2068}{c}\u{2069}")).collect::<Vec<_>>().join(" · ")
}

/// The runs of one line in visual order, left to right, each with its direction.
fn visual_runs(line: &str, rtl: bool) -> Vec<(String, TextDirection)> {
    if line.is_empty() {
        return Vec::new();
    }
    let bidi = BidiInfo::new(line, Some(if rtl { Level::rtl() } else { Level::ltr() }));
    let Some(paragraph) = bidi.paragraphs.first() else { return Vec::new() };
    let (levels, runs) = bidi.visual_runs(paragraph, paragraph.range.clone());
    runs.into_iter()
        .map(|run| {
            let direction =
                if levels[run.start].is_rtl() { TextDirection::RightToLeft } else { TextDirection::LeftToRight };
            (line[run].to_string(), direction)
        })
        .collect()
}

/// Draws the laid-out pages, with page numbers.
fn render(pages: &[Vec<Line>], paper: (f32, f32), shaper: &Shaper) -> Result<Vec<u8>, String> {
    let font =
        |face: Face| Font::new(face.bytes().into(), 0).ok_or_else(|| "an embedded font cannot be read".to_string());
    let fonts =
        [(Face::Regular, font(Face::Regular)?), (Face::Bold, font(Face::Bold)?), (Face::Mono, font(Face::Mono)?)];
    let font_of =
        |face: Face| fonts.iter().find(|(f, _)| *f == face).map(|(_, font)| font.clone()).expect("every face");
    let mut document = Document::new();
    let settings = || PageSettings::from_wh(paper.0, paper.1).expect("a positive page size");
    for (index, lines) in pages.iter().enumerate() {
        let mut page = document.start_page_with(settings());
        let mut surface = page.surface();
        for line in lines {
            let color = if line.style.alert { rgb::Color::new(150, 0, 0) } else { rgb::Color::new(17, 17, 17) };
            surface.set_fill(Some(Fill { paint: color.into(), ..Fill::default() }));
            let mut x = line.x;
            for (text, direction) in &line.runs {
                let (glyphs, width) = shaper.glyphs(text, line.style, *direction == TextDirection::RightToLeft);
                surface.draw_glyphs(
                    Point::from_xy(x, line.y),
                    &glyphs,
                    font_of(line.style.face),
                    text,
                    line.style.size,
                    false,
                );
                x += width;
            }
        }
        let number = format!("{} / {}", index + 1, pages.len());
        let footer = style(Face::Regular, 8.0);
        let x = (paper.0 - shaper.width(&number, footer, false)) / 2.0;
        surface.set_fill(Some(Fill { paint: rgb::Color::new(90, 90, 90).into(), ..Fill::default() }));
        surface.draw_text(
            Point::from_xy(x, paper.1 - MARGIN / 2.0),
            font_of(Face::Regular),
            8.0,
            &number,
            false,
            TextDirection::LeftToRight,
        );
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| format!("the PDF could not be written: {e:?}"))
}

/// The report as a PDF in `lang`, on `paper`.
pub fn pdf(data: &ReportData, lang: &str, paper: Paper) -> Result<Vec<u8>, String> {
    let words = Words::new(lang);
    let shaper = Shaper::new();
    let mut layout = Layout { shaper: &shaper, rtl: words.rtl(), page: paper.size(), y: MARGIN, pages: Vec::new() };
    for block in blocks(data, &words) {
        layout.block(&block);
    }
    render(&layout.pages, paper.size(), &shaper)
}
