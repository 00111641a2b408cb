//! The index's files, made from every indexed document's [`Record`] in plan order (a
//! document's number is its place there):
//!
//! - `index.json`: `{"docs": N, "chunk": 64, "text_chunk": 8, "shards": ["ab", …]}`,
//!   what the search box reads first;
//! - `terms/<shard>.json`: `{"term": [doc, score, doc, score, …]}` for every term of
//!   that shard ([`text::shard`]), documents in increasing order, each written as the
//!   difference from the one before;
//! - `docs/<n>.json`: url, title, date and tags of the documents `64n` to `64n + 63`;
//! - `text/<n>.json`: the texts of documents `8n` to `8n + 7` (the first 4 KB of each),
//!   fetched only for shown results' excerpts: small, yet not a file per document, which
//!   cost a build more to write than the whole index to make.
//!
//! Every file's bytes depend only on the records, so the same sources give the same files.

use super::text::{self, MAX_TERM};
use crate::output::OutputFile;
use foldhash::HashMap;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write;
use std::sync::Arc;

/// Documents per `docs/<n>.json` file.
pub const CHUNK: usize = 64;
/// Documents per `text/<n>.json` file.
pub const TEXT_CHUNK: usize = 8;

/// Score of a term for each time it is in a document's body, up to [`BODY_CAP`].
const BODY: u32 = 1;
const BODY_CAP: u32 = 10;
/// A document's text kept for excerpts, in bytes (cut at a space): the whole text is
/// indexed, but the excerpt of a word further on shows the text's start. Whole texts
/// made the index about a fifth of the site's HTML.
const TEXT_CAP: usize = 4096;

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
    #[serde(skip)]
    pub text: String,
    /// Each term once, sorted, each followed by a newline: one allocation rather than
    /// hundreds (10,000 posts' records are held until the index is written).
    #[serde(skip)]
    terms: String,
    /// The score of each term, in the same order.
    #[serde(skip)]
    scores: Vec<u32>,
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
        let text = text::html_to_text(fields.body_html);
        // Body words first, counted with a cap, so that a long post does not outweigh a
        // title by repetition; then the title, headings and tags, once each.
        // About one new term in ten words of five letters.
        let mut scores: HashMap<Cow<str>, u32> =
            HashMap::with_capacity_and_hasher(text.len() / 64, Default::default());
        text::terms(&text, |term| add_to(&mut scores, term, BODY));
        scores
            .values_mut()
            .for_each(|score| *score = (*score).min(BODY_CAP));
        let mut once = |source: &'a str, weight: u32| {
            let mut seen: Vec<Cow<str>> = Vec::new();
            text::terms(source, |term| {
                if !seen.contains(&term) {
                    seen.push(term.clone());
                    add_to(&mut scores, term, weight);
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
        let mut sorted: Vec<(Cow<str>, u32)> = scores.into_iter().collect();
        sorted.sort_unstable();
        let mut terms = String::with_capacity(sorted.iter().map(|(t, _)| t.len() + 1).sum());
        for (term, _) in &sorted {
            terms.push_str(term);
            terms.push('\n');
        }
        // The kept part, tidied: 2 × the cap of raw text holds the cap of tidy text but
        // for pathological white space.
        let mut end = text.len().min(2 * TEXT_CAP);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let mut text = text::collapse_spaces(&text[..end]);
        if text.len() > TEXT_CAP {
            let mut end = TEXT_CAP;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            let cut = text[..end].rfind(' ').unwrap_or(end);
            text.truncate(cut);
            text.shrink_to_fit();
        }
        Record {
            url: fields.url,
            title: fields.title.to_owned(),
            date: fields.date,
            tags: fields.tags.to_vec(),
            text,
            terms,
            scores: sorted.into_iter().map(|(_, score)| score).collect(),
        }
    }

    /// Each term with its score, in term order.
    pub fn terms(&self) -> impl Iterator<Item = (&str, u32)> {
        self.terms.lines().zip(self.scores.iter().copied())
    }
}

fn add_to<'t>(scores: &mut HashMap<Cow<'t, str>, u32>, term: Cow<'t, str>, weight: u32) {
    *scores.entry(term).or_default() += weight;
}

/// The index's files under `folder`.
pub fn files(folder: &str, records: &[Arc<Record>]) -> Vec<OutputFile> {
    let mut postings: HashMap<&str, Vec<(u32, u32)>> = HashMap::default();
    for (doc, record) in records.iter().enumerate() {
        for (term, score) in record.terms() {
            postings.entry(term).or_default().push((doc as u32, score));
        }
    }
    let mut terms: Vec<(&str, Vec<(u32, u32)>)> = postings.into_iter().collect();
    terms.sort_unstable_by(|a, b| a.0.cmp(b.0));

    let mut out = Vec::new();
    let mut shards = Vec::new();
    let mut shard = String::new();
    let mut json = String::new();
    let close = |shard: &str, json: &mut String, out: &mut Vec<OutputFile>| {
        if !json.is_empty() {
            json.push('}');
            out.push(OutputFile::new(
                format!("{folder}/terms/{shard}.json"),
                std::mem::take(json),
            ));
        }
    };
    for (term, docs) in &terms {
        let this = text::shard(term);
        if this != shard {
            close(&shard, &mut json, &mut out);
            shards.push(this.clone());
            shard = this;
        }
        json.push(if json.is_empty() { '{' } else { ',' });
        json.push_str(&json_text(term));
        json.push_str(":[");
        let mut last = 0;
        for (i, (doc, score)) in docs.iter().enumerate() {
            if i > 0 {
                json.push(',');
            }
            let _ = write!(json, "{},{score}", doc - last);
            last = *doc;
        }
        json.push(']');
    }
    close(&shard, &mut json, &mut out);
    debug_assert!(terms.iter().all(|(t, _)| t.chars().count() <= MAX_TERM));

    for (n, chunk) in records.chunks(CHUNK).enumerate() {
        let docs: Vec<&Record> = chunk.iter().map(|r| &**r).collect();
        let json = json_text(&docs);
        out.push(OutputFile::new(format!("{folder}/docs/{n}.json"), json));
    }
    for (n, chunk) in records.chunks(TEXT_CHUNK).enumerate() {
        let texts: Vec<&str> = chunk.iter().map(|r| r.text.as_str()).collect();
        let json = json_text(&texts);
        out.push(OutputFile::new(format!("{folder}/text/{n}.json"), json));
    }
    let head = serde_json::json!({
        "docs": records.len(),
        "chunk": CHUNK,
        "text_chunk": TEXT_CHUNK,
        "shards": shards,
    });
    out.push(OutputFile::new(
        format!("{folder}/index.json"),
        head.to_string(),
    ));
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
        let score = |t: &str| r.terms().find(|(x, _)| *x == t).map(|(_, s)| s);
        assert_eq!(score("lamp"), Some(TITLE + HEADING + 2 * BODY));
        assert_eq!(score("sea"), Some(TAG + BODY));
        assert_eq!(score("wind"), Some(BODY));
        assert_eq!(score("the"), Some(HEADING));
        assert_eq!(r.text, "lamp lamp sea wind");
    }

    #[test]
    fn long_texts_are_indexed_whole_and_kept_in_part() {
        let body = format!("<p>{} zebra</p>", "café ".repeat(TEXT_CAP));
        let r = record("/a/", "Long", &body);
        assert!(
            r.text.len() <= TEXT_CAP && r.text.ends_with("café"),
            "{}",
            r.text.len()
        );
        assert!(r.terms().any(|(t, _)| t == "zebra"));
    }

    #[test]
    fn postings_are_sharded_and_delta_coded() {
        let records = [
            record("/a/", "One", "<p>wind</p>"),
            record("/b/", "Two", "<p>calm</p>"),
            record("/c/", "Three", "<p>wind window</p>"),
        ];
        let files = files("idx", &records);
        assert_eq!(
            file(&files, "idx/terms/wi.json"),
            r#"{"wind":[0,1,2,1],"window":[2,1]}"#
        );
        assert_eq!(
            file(&files, "idx/docs/0.json"),
            r#"[{"url":"/a/","title":"One","tags":["Sea"]},{"url":"/b/","title":"Two","tags":["Sea"]},{"url":"/c/","title":"Three","tags":["Sea"]}]"#
        );
        assert_eq!(
            file(&files, "idx/text/0.json"),
            r#"["wind","calm","wind window"]"#
        );
        let head: serde_json::Value =
            serde_json::from_str(&file(&files, "idx/index.json")).unwrap();
        assert_eq!(head["docs"], 3);
        assert!(head["shards"].as_array().unwrap().contains(&"wi".into()));
        // Same records, same bytes.
        let again = super::files("idx", &records);
        let bytes = |f: &[OutputFile]| -> Vec<String> {
            f.iter()
                .map(|f| format!("{} {:?}", f.path, f.body))
                .collect()
        };
        assert_eq!(bytes(&files), bytes(&again));
    }
}
