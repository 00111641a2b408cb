//! The index's files, made from every indexed document's [`Record`] in plan order (a
//! document's number is its place there):
//!
//! - `index.json`: `{"docs": N, "chunk": 64, "text_chunk": 8, "block_weight": 100,
//!   "stemmer": "english", "shards": ["ab", …]}`, what the search box reads first;
//! - `terms/<shard>.json`: `{"terms": {"stem": [doc, weight, doc, weight, …]}, "forms":
//!   {"stem": ["word", …]}}`. A term is a stem (the site's language's Snowball stemmer,
//!   [`stem`](super::stem); the word itself without one), its documents in increasing
//!   order, each written as the difference from the one before, with a weight of
//!   `score + block_weight × block`: the block of its text where one of the stem's words
//!   is first. `forms` lists the words each stem was made from (when not the stem
//!   itself), so that what a reader is still typing matches by its beginning. A stem is
//!   in the shard of its first two characters ([`text::shard`]) and in that of each of
//!   its words;
//! - `docs/<n>.json`: url, title, date and tags of the documents `64n` to `64n + 63`;
//! - `text/<n>.json` and `text/<n>-<b>.json`: the blocks 0 and `b` (4 KB each, cut at a
//!   space) of the texts of documents `8n` to `8n + 7`, fetched only for the block that
//!   holds a shown result's match: small, yet not a file per document, which cost a build
//!   more to write than the whole index to make.
//!
//! Every file's bytes depend only on the records, so the same sources give the same files.

use super::stem::{self, Stems};
use super::text::{self, MAX_TERM};
use crate::output::OutputFile;
use foldhash::fast::FixedState;
use rust_stemmers::Algorithm;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::Arc;

/// Documents per `docs/<n>.json` file.
pub const CHUNK: usize = 64;
/// Documents per `text/<n>.json` file.
pub const TEXT_CHUNK: usize = 8;
/// A document's text is kept in blocks of about this many bytes (cut at a space), so
/// that an excerpt around a word anywhere in a long post costs a reader one block.
pub const BLOCK: usize = 4096;
/// A posting's weight is its score (at most 99) plus this many times the block of its
/// first match: most are in block 0, and a weight of a later block is 3 digits.
const BLOCK_WEIGHT: u32 = 100;
const MAX_SCORE: u32 = BLOCK_WEIGHT - 1;

/// Score of a term for each time it is in a document's body, up to [`BODY_CAP`].
const BODY: u32 = 1;
const BODY_CAP: u32 = 10;

/// Score of a term in the title, a heading or a tag (once each).
const TITLE: u32 = 30;
const HEADING: u32 = 8;
const TAG: u32 = 12;

/// One document as the index sees it: what a result shows, and its terms with scores.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub struct Record {
    pub url: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The body's text without its code blocks, white space made single spaces.
    #[serde(skip)]
    pub text: String,
    /// Where each block of `text` starts and ends, in bytes.
    #[serde(skip)]
    blocks: Vec<(u32, u32)>,
    /// Each term once, each followed by a newline: one allocation rather than
    /// hundreds (10,000 posts' records are held until the index is written).
    #[serde(skip)]
    terms: String,
    /// The score of each term and the block it is first in, in the same order.
    #[serde(skip)]
    scores: Vec<Score>,
}

/// How much a term weighs in a document, and the block of the text it is first in
/// (0 for a word found only in the title, headings or tags).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score {
    pub score: u32,
    pub block: u32,
}

/// What [`Record::new`] reads of a document.
pub struct Fields<'a> {
    pub url: String,
    pub title: &'a str,
    pub date: Option<String>,
    pub tags: &'a [String],
    pub headings: Vec<&'a str>,
    pub body_html: &'a str,
}

impl Record {
    pub fn new<'a>(fields: Fields<'a>) -> Record {
        // Code blocks' words are indexed, but only the prose is kept for excerpts (code
        // was a sixth of the text of a generated corpus): a word first found in code
        // points at the block where that code was, unless the prose has it too.
        let body = text::html_to_text(fields.body_html);
        let prose = body.prose();
        let blocks = blocks(&prose.text);
        let block_of = |at: usize| {
            let at = prose.offset(at);
            blocks.partition_point(|&(_, end)| end as usize <= at) as u32
        };
        // Body words first, counted with a cap, so that a long post does not outweigh a
        // title by repetition; then the title, headings and tags, once each.
        // About one new term in ten words of five letters. With each score, whether its
        // block is one of prose.
        // A fixed hasher: a record's terms come out in the same order every time.
        let mut scores: Map<Cow<str>, (Score, bool)> =
            Map::with_capacity_and_hasher(body.text.len() / 64, FixedState::default());
        let mut cursor = 0;
        text::terms(&body.text, |term, at| {
            let in_prose = !body.in_code(at, &mut cursor);
            // Looked up by the text first: a term is copied only when it is new.
            match scores.get_mut(term.as_str()) {
                Some((score, placed)) => {
                    score.score += BODY;
                    if in_prose && !*placed {
                        score.block = block_of(at);
                        *placed = true;
                    }
                }
                None => {
                    let score = Score {
                        score: BODY,
                        block: block_of(at),
                    };
                    scores.insert(term.to_cow(), (score, in_prose));
                }
            }
        });
        scores
            .values_mut()
            .for_each(|(s, _)| s.score = s.score.min(BODY_CAP));
        let mut once = |source: &'a str, weight: u32| {
            let mut seen: Vec<Cow<str>> = Vec::new();
            text::terms(source, |term, _| {
                if seen.iter().any(|s| s == term.as_str()) {
                    return;
                }
                seen.push(term.to_cow());
                match scores.get_mut(term.as_str()) {
                    Some((score, _)) => score.score += weight,
                    None => {
                        let score = Score {
                            score: weight,
                            block: 0,
                        };
                        scores.insert(term.to_cow(), (score, false));
                    }
                }
            });
        };
        once(fields.title, TITLE);
        for heading in &fields.headings {
            once(heading, HEADING);
        }
        for tag in fields.tags {
            once(tag, TAG);
        }
        // In the map's order: the writer takes terms in any order.
        let mut terms = String::with_capacity(scores.keys().map(|t| t.len() + 1).sum());
        let mut kept = Vec::with_capacity(scores.len());
        for (term, (score, _)) in scores {
            terms.push_str(&term);
            terms.push('\n');
            kept.push(score);
        }
        Record {
            url: fields.url,
            title: fields.title.to_owned(),
            date: fields.date,
            tags: fields.tags.to_vec(),
            // The prose was gathered with room for the code too: a session holds every
            // record, so the spare room would be a sixth of all their text.
            text: {
                let mut text = prose.text;
                text.shrink_to_fit();
                text
            },
            blocks,
            terms,
            scores: kept,
        }
    }

    /// Each term with its score (in no particular order).
    pub fn terms(&self) -> impl Iterator<Item = (&str, Score)> {
        self.terms.lines().zip(self.scores.iter().copied())
    }

    /// Block `n` of the text, if it has one.
    pub fn block(&self, n: usize) -> Option<&str> {
        let &(start, end) = self.blocks.get(n)?;
        Some(&self.text[start as usize..end as usize])
    }
}

/// Where `text` is cut into blocks of at most [`BLOCK`] bytes: at the last space within
/// the limit (not kept), or inside a word that has none. An empty text has one empty block.
fn blocks(text: &str) -> Vec<(u32, u32)> {
    let mut blocks = Vec::with_capacity(text.len() / BLOCK + 1);
    let mut start = 0;
    while text.len() - start > BLOCK {
        let mut end = start + BLOCK;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        match text[start..end].rfind(' ') {
            Some(space) if space > 0 => {
                blocks.push((start as u32, (start + space) as u32));
                start += space + 1;
            }
            _ => {
                blocks.push((start as u32, end as u32));
                start = end;
            }
        }
    }
    blocks.push((start as u32, text.len() as u32));
    blocks
}

/// Hash maps with a fixed hasher: the same records give the same work in the same order.
type Map<K, V> = std::collections::HashMap<K, V, FixedState>;

/// One document's entry in a term's postings.
#[derive(Clone, Copy)]
struct Posting {
    doc: u32,
    score: Score,
}

/// A stem, the words it was made from (other than itself) and its postings.
struct Entry {
    stem: String,
    forms: Vec<Box<str>>,
    /// The postings of the documents before `open`'s, as the shard file has them:
    /// `delta,weight,delta,weight…`.
    written: String,
    /// The document of the last posting in `written` (0 before the first).
    last_written: u32,
    /// The posting of the last document that had one of the stem's words: its words'
    /// scores are added and the earliest block kept until the next document's comes.
    open: Option<Posting>,
}

impl Entry {
    fn add(&mut self, posting: Posting) {
        match &mut self.open {
            Some(open) if open.doc == posting.doc => {
                open.score.score += posting.score.score;
                open.score.block = open.score.block.min(posting.score.block);
            }
            _ => {
                self.close();
                self.open = Some(posting);
            }
        }
    }

    /// Writes the open posting.
    fn close(&mut self) {
        let Some(p) = self.open.take() else { return };
        if !self.written.is_empty() {
            self.written.push(',');
        }
        let weight = p.score.score.min(MAX_SCORE) + BLOCK_WEIGHT * p.score.block;
        let mut digits = itoa::Buffer::new();
        self.written
            .push_str(digits.format(p.doc - self.last_written));
        self.written.push(',');
        self.written.push_str(digits.format(weight));
        self.last_written = p.doc;
    }
}

/// Makes the index's files from the records given in plan order: each full chunk's
/// metadata and text files as soon as its last record comes (a build need not hold
/// every document's text), the postings as they come, and the terms' files at the end.
pub struct Writer {
    folder: String,
    stemmer: Option<Algorithm>,
    stems: Stems,
    /// Records given so far: the next one's number.
    docs: u32,
    /// Each word met so far, and the number of its stem's entry: each distinct word is
    /// stemmed once.
    words: Map<Box<str>, u32>,
    /// Each stem's entry number.
    stem_numbers: Map<String, u32>,
    entries: Vec<Entry>,
    /// The JSON of the records of the `docs/` chunk being made, comma-separated.
    meta: String,
    /// The records of the `text/` chunk being made.
    texts: Vec<Arc<Record>>,
}

impl Writer {
    /// A writer of the index's files under `folder`, with each term stemmed by `stemmer`.
    pub fn new(folder: &str, stemmer: Option<Algorithm>) -> Writer {
        Writer {
            folder: folder.to_owned(),
            stemmer,
            stems: Stems::new(stemmer),
            docs: 0,
            words: Map::default(),
            stem_numbers: Map::default(),
            entries: Vec::new(),
            meta: String::new(),
            texts: Vec::with_capacity(TEXT_CHUNK),
        }
    }

    /// Adds the next record; returns the files it completed.
    pub fn add(&mut self, record: &Arc<Record>) -> Vec<OutputFile> {
        let doc = self.docs;
        self.docs += 1;
        for (term, score) in record.terms() {
            let n = match self.words.get(term) {
                Some(&n) => n,
                None => self.new_word(term),
            };
            self.entries[n as usize].add(Posting { doc, score });
        }
        let mut files = Vec::new();
        if !self.meta.is_empty() {
            self.meta.push(',');
        }
        self.meta.push_str(&json_text(&**record));
        if (self.docs as usize).is_multiple_of(CHUNK) {
            files.push(self.meta_file());
        }
        self.texts.push(Arc::clone(record));
        if self.texts.len() == TEXT_CHUNK {
            files.extend(self.text_files());
        }
        debug_assert!(record.terms().all(|(t, _)| t.chars().count() <= MAX_TERM));
        files
    }

    /// Notes a word not met before, with its stem: the stem's entry's number.
    fn new_word(&mut self, word: &str) -> u32 {
        let stem = self.stems.of(word);
        let n = match self.stem_numbers.get(&*stem) {
            Some(&n) => n,
            None => {
                let n = self.entries.len() as u32;
                self.stem_numbers.insert(stem.to_string(), n);
                self.entries.push(Entry {
                    stem: stem.to_string(),
                    forms: Vec::new(),
                    written: String::new(),
                    last_written: 0,
                    open: None,
                });
                n
            }
        };
        if word != stem {
            self.entries[n as usize].forms.push(word.into());
        }
        self.words.insert(word.into(), n);
        n
    }

    /// `docs/<n>.json` of the records given since the last one.
    fn meta_file(&mut self) -> OutputFile {
        let n = (self.docs as usize - 1) / CHUNK;
        let json = format!("[{}]", std::mem::take(&mut self.meta));
        OutputFile::new(format!("{}/docs/{n}.json", self.folder), json)
    }

    /// The `text/` files of the records given since the last ones.
    fn text_files(&mut self) -> Vec<OutputFile> {
        let n = (self.docs as usize - 1) / TEXT_CHUNK;
        let chunk = std::mem::take(&mut self.texts);
        let blocks = chunk.iter().map(|r| r.blocks.len()).max().unwrap_or(0);
        (0..blocks)
            .map(|b| {
                let texts: Vec<&str> = chunk.iter().map(|r| r.block(b).unwrap_or("")).collect();
                let name = match b {
                    0 => format!("{}/text/{n}.json", self.folder),
                    b => format!("{}/text/{n}-{b}.json", self.folder),
                };
                OutputFile::new(name, json_text(&texts))
            })
            .collect()
    }

    /// The files still to make: the last chunks', the terms' and `index.json`.
    pub fn finish(mut self) -> Vec<OutputFile> {
        let mut out = Vec::new();
        if !self.meta.is_empty() {
            out.push(self.meta_file());
        }
        if !self.texts.is_empty() {
            out.extend(self.text_files());
        }
        let entries = &mut self.entries;
        entries.iter_mut().for_each(Entry::close);
        // Each entry in its stem's shard and in those of its words (which seldom differ).
        let mut placed: Vec<(String, usize)> = Vec::with_capacity(entries.len());
        for (n, entry) in entries.iter_mut().enumerate() {
            entry.forms.sort_unstable();
            let mut shards = vec![text::shard(&entry.stem)];
            for form in &entry.forms {
                let shard = text::shard(form);
                if !shards.contains(&shard) {
                    shards.push(shard);
                }
            }
            placed.extend(shards.into_iter().map(|shard| (shard, n)));
        }
        placed.sort_unstable_by(|a, b| {
            a.0.cmp(&b.0)
                .then_with(|| entries[a.1].stem.cmp(&entries[b.1].stem))
        });

        let folder = &self.folder;
        let mut shards = Vec::new();
        let mut start = 0;
        while start < placed.len() {
            let shard = &placed[start].0;
            let end = start + placed[start..].partition_point(|(s, _)| s == shard);
            let here = &placed[start..end];
            let mut json = String::from("{\"terms\":{");
            for (i, &(_, n)) in here.iter().enumerate() {
                let entry = &entries[n];
                if i > 0 {
                    json.push(',');
                }
                json.push_str(&json_text(&*entry.stem));
                json.push_str(":[");
                json.push_str(&entry.written);
                json.push(']');
            }
            json.push_str("},\"forms\":{");
            let mut first = true;
            for &(_, n) in here {
                let entry = &entries[n];
                if entry.forms.is_empty() {
                    continue;
                }
                if !std::mem::take(&mut first) {
                    json.push(',');
                }
                json.push_str(&json_text(&*entry.stem));
                json.push(':');
                json.push_str(&json_text(&entry.forms));
            }
            json.push_str("}}");
            out.push(OutputFile::new(
                format!("{folder}/terms/{shard}.json"),
                json,
            ));
            shards.push(shard.clone());
            start = end;
        }

        let head = serde_json::json!({
            "docs": self.docs,
            "chunk": CHUNK,
            "text_chunk": TEXT_CHUNK,
            "block_weight": BLOCK_WEIGHT,
            "stemmer": self.stemmer.map(stem::name),
            "shards": shards,
        });
        out.push(OutputFile::new(
            format!("{folder}/index.json"),
            head.to_string(),
        ));
        out
    }
}

/// The index's files under `folder` from every record, with each term stemmed by
/// `stemmer`.
pub fn files(folder: &str, records: &[Arc<Record>], stemmer: Option<Algorithm>) -> Vec<OutputFile> {
    let mut writer = Writer::new(folder, stemmer);
    let mut out: Vec<OutputFile> = records.iter().flat_map(|r| writer.add(r)).collect();
    out.extend(writer.finish());
    out
}

/// JSON with every `<` written `\u003c`: the index holds writers' text as it is (a title
/// may show markup), and a browser that sniffs a file as HTML must find none in it.
fn json_text(value: &(impl Serialize + ?Sized)) -> String {
    serde_json::to_string(value)
        .expect("strings and records serialize")
        .replace('<', "\\u003c")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(url: &str, title: &str, body: &str) -> Arc<Record> {
        Arc::new(Record::new(Fields {
            url: url.to_owned(),
            title,
            date: None,
            tags: &["Sea".to_owned()],
            headings: vec!["The lamp"],
            body_html: body,
        }))
    }

    fn file(files: &[OutputFile], path: &str) -> String {
        let file = files.iter().find(|f| f.path == path).expect(path);
        match &file.body {
            crate::output::Body::Bytes(b) => String::from_utf8(b.to_vec()).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn terms_are_scored_by_where_they_are() {
        let r = record("/a/", "Lamp", "<p>lamp lamp sea wind</p>");
        let score = |t: &str| r.terms().find(|(x, _)| *x == t).map(|(_, s)| s.score);
        assert_eq!(score("lamp"), Some(TITLE + HEADING + 2 * BODY));
        assert_eq!(score("sea"), Some(TAG + BODY));
        assert_eq!(score("wind"), Some(BODY));
        assert_eq!(score("the"), Some(HEADING));
        assert_eq!(r.text, "lamp lamp sea wind");
    }

    #[test]
    fn long_texts_are_kept_whole_in_blocks() {
        let body = format!("<p>{} zebra</p><p>quagga</p>", "café ".repeat(BLOCK));
        let r = record("/a/", "Long", &body);
        let first = r.block(0).unwrap();
        assert!(
            first.len() <= BLOCK && first.ends_with("café"),
            "{}",
            first.len()
        );
        let last = r.blocks.len() - 1;
        assert!(last >= 1);
        assert!(r.block(last).unwrap().ends_with("café zebra quagga"));
        let block = |t: &str| r.terms().find(|(x, _)| *x == t).map(|(_, s)| s.block);
        assert_eq!(block("zebra"), Some(last as u32));
        assert_eq!(block("café"), Some(0));
        // Blocks together are the whole text.
        let joined: Vec<&str> = (0..=last).map(|b| r.block(b).unwrap()).collect();
        assert_eq!(joined.join(" "), r.text);
        // A word longer than a block is cut where the block ends.
        let word = "x".repeat(BLOCK + 10);
        assert_eq!(
            blocks(&word),
            [(0, BLOCK as u32), (BLOCK as u32, BLOCK as u32 + 10)]
        );
        assert_eq!(blocks(""), [(0, 0)]);
    }

    #[test]
    fn postings_are_stemmed_sharded_and_delta_coded() {
        let records = [
            record("/a/", "One", "<p>wind</p>"),
            record("/b/", "Two", "<p>calm</p>"),
            record("/c/", "Three", "<p>winds window wind</p>"),
        ];
        let files = files("idx", &records, Some(Algorithm::English));
        // "wind" and "winds" are one stem; document 2 adds their scores.
        assert_eq!(
            file(&files, "idx/terms/wi.json"),
            r#"{"terms":{"wind":[0,1,2,2],"window":[2,1]},"forms":{"wind":["winds"]}}"#
        );
        assert_eq!(
            file(&files, "idx/docs/0.json"),
            r#"[{"url":"/a/","title":"One","tags":["Sea"]},{"url":"/b/","title":"Two","tags":["Sea"]},{"url":"/c/","title":"Three","tags":["Sea"]}]"#
        );
        assert_eq!(
            file(&files, "idx/text/0.json"),
            r#"["wind","calm","winds window wind"]"#
        );
        let head: serde_json::Value =
            serde_json::from_str(&file(&files, "idx/index.json")).unwrap();
        assert_eq!(head["docs"], 3);
        assert_eq!(head["stemmer"], "english");
        assert!(head["shards"].as_array().unwrap().contains(&"wi".into()));
        // Same records, same bytes.
        let again = super::files("idx", &records, Some(Algorithm::English));
        let bytes = |f: &[OutputFile]| -> Vec<String> {
            f.iter()
                .map(|f| format!("{} {:?}", f.path, f.body))
                .collect()
        };
        assert_eq!(bytes(&files), bytes(&again));
        // Without a stemmer every word is its own term.
        let plain = super::files("idx", &records, None);
        assert_eq!(
            file(&plain, "idx/terms/wi.json"),
            r#"{"terms":{"wind":[0,1,2,1],"window":[2,1],"winds":[2,1]},"forms":{}}"#
        );
    }

    #[test]
    fn a_chunk_s_files_come_with_its_last_record() {
        let records: Vec<Arc<Record>> = (0..CHUNK + 1)
            .map(|n| record(&format!("/{n}/"), "Title", "<p>wind</p>"))
            .collect();
        let mut writer = Writer::new("idx", None);
        let mut streamed = Vec::new();
        for (n, r) in records.iter().enumerate() {
            let paths: Vec<String> = writer.add(r).into_iter().map(|f| f.path).collect();
            let expected: Vec<String> = match n + 1 {
                CHUNK => vec![
                    "idx/docs/0.json".into(),
                    format!("idx/text/{}.json", n / TEXT_CHUNK),
                ],
                done if done.is_multiple_of(TEXT_CHUNK) => {
                    vec![format!("idx/text/{}.json", n / TEXT_CHUNK)]
                }
                _ => vec![],
            };
            assert_eq!(paths, expected, "after record {n}");
            streamed.extend(paths);
        }
        // The last record's chunks, the terms and the head come at the end.
        let rest: Vec<String> = writer.finish().into_iter().map(|f| f.path).collect();
        assert_eq!(
            rest,
            [
                "idx/docs/1.json",
                "idx/text/8.json",
                "idx/terms/la.json",
                "idx/terms/se.json",
                "idx/terms/th.json",
                "idx/terms/ti.json",
                "idx/terms/wi.json",
                "idx/index.json"
            ]
        );
        let all = files("idx", &records, None);
        assert_eq!(all.len(), streamed.len() + rest.len());
        assert_eq!(
            file(&all, "idx/terms/wi.json"),
            format!(
                r#"{{"terms":{{"wind":[0,1{}]}},"forms":{{}}}}"#,
                ",1,1".repeat(CHUNK)
            )
        );
    }

    #[test]
    fn a_stem_is_in_the_shard_of_each_of_its_words() {
        // Snowball makes "dying" "die": a reader typing "dyi" fetches shard "dy".
        let records = [
            record("/a/", "One", "<p>dying</p>"),
            record("/b/", "Two", "<p>die</p>"),
        ];
        let files = files("idx", &records, Some(Algorithm::English));
        let entry = r#"{"terms":{"die":[0,1,1,1]},"forms":{"die":["dying"]}}"#;
        assert_eq!(file(&files, "idx/terms/di.json"), entry);
        assert_eq!(file(&files, "idx/terms/dy.json"), entry);
    }

    #[test]
    fn a_match_in_a_later_block_says_which() {
        let body = format!("<p>{}</p><p>zebra</p>", "word ".repeat(BLOCK));
        let records = [record("/a/", "One", &body)];
        let files = files("idx", &records, None);
        let last = records[0].blocks.len() - 1;
        assert_eq!(
            file(&files, "idx/terms/ze.json"),
            format!(
                r#"{{"terms":{{"zebra":[0,{}]}},"forms":{{}}}}"#,
                1 + BLOCK_WEIGHT * last as u32
            )
        );
        let text: Vec<String> =
            serde_json::from_str(&file(&files, &format!("idx/text/0-{last}.json"))).unwrap();
        assert!(text[0].ends_with("word zebra"), "{text:?}");
    }

    #[test]
    fn code_is_indexed_but_excerpts_are_of_prose() {
        let code = format!(
            "<pre><code>{}</code></pre>",
            "let cell = 1; ".repeat(BLOCK / 8)
        );
        let filler = "word ".repeat(BLOCK / 4);
        let body = format!("<p>opening</p>{code}<p>{filler}</p><p>cell again</p>");
        let r = record("/a/", "Code", &body);
        assert!(r.text.starts_with("opening word word"), "{}", &r.text[..40]);
        assert!(r.text.ends_with("word cell again"));
        assert!(!r.text.contains("let"));
        assert_eq!(r.blocks.len(), 2);
        let found = |t: &str| r.terms().find(|(x, _)| *x == t).map(|(_, s)| s);
        // "let" is only in the code: indexed, its excerpt where the code was.
        assert_eq!(
            found("let"),
            Some(Score {
                score: BODY_CAP,
                block: 0
            })
        );
        // "cell" is first in the code, then in the prose: its excerpt is of the prose.
        assert_eq!(found("cell").map(|s| s.block), Some(1));
    }
}
