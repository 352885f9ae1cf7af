// Corpus readers: TSV (pandas quoting), JSONL, txt; UTF-8 validation; bad rows; big documents.
#include <fstream>
#include <map>
#include <set>

#include "catch.h"
#include "skip.h"
#include "ntm/data/corpus.h"
#include "ntm/data/words.h"
#include "ntm/error.h"
#include "test_util.h"

using ntm::CorpusOptions;
using ntm::CorpusReader;
using ntm::Document;
using ntm::test::TempDir;

namespace {

void write(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary);
  f << bytes;
}

std::vector<Document> read_all(const std::string& path, CorpusOptions o = {}) {
  auto r = CorpusReader::open(path, o);
  std::vector<Document> docs;
  Document d;
  while (r->next(d)) docs.push_back(d);
  return docs;
}

std::string error_of(const std::string& path, CorpusOptions o = {}) {
  try {
    read_all(path, o);
  } catch (const ntm::Error& e) {
    CHECK(e.exit_code() == 2);
    return e.what();
  }
  return "";
}

// Writes text/label rows the way pandas' to_csv(sep="\t") does (QUOTE_MINIMAL).
std::string pandas_quote(const std::string& field) {
  if (field.find_first_of("\"\t\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

TEST_CASE("TSV: the reference's quoted stackoverflow rows parse as pandas reads them", "[unit][data][corpus]") {
  std::string path = ntm::test::fixture("corpora/stackoverflow_quoted.tsv");
  CHECK(ntm::tsv_uses_csv_quoting(path));
  auto r = CorpusReader::open(path);
  CHECK(r->format() == "tsv");
  CHECK(r->quoting() == "csv");
  CHECK(r->has_labels());
  std::vector<Document> docs;
  Document d;
  while (r->next(d)) docs.push_back(d);
  REQUIRE(docs.size() == 7);
  CHECK(docs[0].text == "How do I fill a DataSet or a DataTable from a LINQ query resultset ?");
  CHECK(docs[0].label == "18");
  CHECK(docs[0].line == 2);
  CHECK(docs[3].text == "\"Phantom\" directories in an SVN repository");
  CHECK(docs[4].text == "Hibernate <generator class=\"\" > When is it best to use what?");
  CHECK(docs[4].label == "12");
  CHECK(docs[5].text == "Phonon VideoWidget error: \"the video widget could not be\tinitialized correctly\"");
  CHECK(docs[5].label == "16");
  CHECK(docs[5].line == 7);
  CHECK(docs[6].row == 6);
  CHECK(docs[6].label == "7");  // CRLF stripped from the last field
  // Without quote handling the TAB inside the quoted title makes a third field.
  CorpusOptions none;
  none.quoting = "none";
  std::string err = error_of(path, none);
  CHECK(err.find("stackoverflow_quoted.tsv:7: expected 2 TAB-separated fields") != std::string::npos);
}

TEST_CASE("TSV: quoted fields with line breaks, text after a closing quote, unbalanced quotes", "[unit][data][corpus]") {
  TempDir tmp;
  write(tmp / "a.tsv", "text\tlabel\n\"two\nlines\"\tx\n\"ab\"cd\ty\n\"\"\tz\nplain \"mid\" quote\tw\n");
  CorpusOptions csv;
  csv.quoting = "csv";
  auto docs = read_all(tmp / "a.tsv", csv);
  REQUIRE(docs.size() == 4);
  CHECK(docs[0].text == "two\nlines");
  CHECK(docs[0].line == 2);
  CHECK(docs[1].text == "abcd");  // Python's csv (non-strict) keeps text after the closing quote
  CHECK(docs[1].line == 4);
  CHECK(docs[2].text.empty());
  CHECK(docs[3].text == "plain \"mid\" quote");
  // auto: a '"' inside an unquoted field means the file is not CSV-quoted.
  CHECK_FALSE(ntm::tsv_uses_csv_quoting(tmp / "a.tsv"));
  CorpusOptions skip;
  skip.on_bad_row = "skip";
  auto reader = CorpusReader::open(tmp / "a.tsv", skip);
  CHECK(reader->quoting() == "none");
  std::vector<Document> plain;
  Document d;
  while (reader->next(d)) plain.push_back(d);
  CHECK(reader->skipped_rows() == 1);  // line 2 '"two' has one field
  REQUIRE(plain.size() == 4);
  CHECK(plain[0].text == "lines\"");
  CHECK(plain[1].text == "\"ab\"cd");
  write(tmp / "b.tsv", "text\tlabel\n\"never closed\tx\nmore\ty\n");
  CHECK(error_of(tmp / "b.tsv", csv).find("b.tsv:2: a quoted field starting here is never closed") != std::string::npos);
}

TEST_CASE("TSV: header checks name the column and the header found", "[unit][data][corpus]") {
  TempDir tmp;
  write(tmp / "h.tsv", "body\tcategory\nhello\tx\n");
  std::string err = error_of(tmp / "h.tsv");
  CHECK(err.find("h.tsv:1: no column 'text' in the header (found: 'body', 'category'); pass --text-column NAME") !=
        std::string::npos);
  CorpusOptions o;
  o.text_column = "body";
  err = error_of(tmp / "h.tsv", o);
  CHECK(err.find("no column 'label'") != std::string::npos);
  CHECK(err.find("--label-column ''") != std::string::npos);
  o.label_column = "";
  auto docs = read_all(tmp / "h.tsv", o);
  REQUIRE(docs.size() == 1);
  CHECK_FALSE(docs[0].has_label);
  write(tmp / "empty.tsv", "");
  CHECK(error_of(tmp / "empty.tsv").find("empty.tsv: the file is empty") != std::string::npos);
  CHECK(error_of(tmp / "missing.tsv").find("missing.tsv' does not exist") != std::string::npos);
  o.quoting = "sometimes";
  CHECK_THROWS_WITH(read_all(tmp / "h.tsv", o), Catch::Contains("--quoting must be one of auto|csv|none"));
}

TEST_CASE("empty documents are kept; blank TSV/JSONL lines are not documents", "[unit][data][corpus]") {
  TempDir tmp;
  write(tmp / "e.tsv", "text\tlabel\n\ta\nx\tb\n\n\tc\n");
  auto docs = read_all(tmp / "e.tsv");
  REQUIRE(docs.size() == 3);
  CHECK(docs[0].text.empty());
  CHECK(docs[0].label == "a");
  CHECK(docs[2].text.empty());
  CHECK(docs[2].line == 5);
  write(tmp / "e.txt", "one\n\n\nfour\r\nfive");
  auto lines = read_all(tmp / "e.txt");
  REQUIRE(lines.size() == 5);
  CHECK(lines[1].text.empty());
  CHECK(lines[3].text == "four");
  CHECK(lines[4].text == "five");
  CHECK_FALSE(lines[0].has_label);
  write(tmp / "e.jsonl", "{\"text\": \"\", \"label\": 1}\n\n{\"text\": \"b\"}\n");
  auto js = read_all(tmp / "e.jsonl");
  REQUIRE(js.size() == 2);
  CHECK(js[0].text.empty());
  CHECK(js[0].label == "1");
  CHECK(js[1].line == 3);
}

TEST_CASE("JSONL: text, label (string or number), id; bad lines name file:line", "[unit][data][corpus]") {
  TempDir tmp;
  write(tmp / "c.jsonl",
        "{\"text\": \"caf\\u00e9 na\\u00efve\", \"label\": \"food\", \"id\": 7}\n"
        "{\"text\": \"tab\\there\", \"label\": null, \"id\": \"d2\"}\n");
  auto docs = read_all(tmp / "c.jsonl");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == "caf\xc3\xa9 na\xc3\xafve");
  CHECK(docs[0].label == "food");
  CHECK(docs[0].has_label);
  CHECK(docs[0].id == "7");
  CHECK(docs[1].text == "tab\there");
  CHECK_FALSE(docs[1].has_label);
  CHECK(docs[1].id == "d2");
  write(tmp / "bad.jsonl", "{\"text\": \"ok\"}\n{\"body\": \"x\"}\n");
  std::string err = error_of(tmp / "bad.jsonl");
  CHECK(err.find("bad.jsonl:2: no string value for key 'text' (keys: body)") != std::string::npos);
  write(tmp / "bad2.jsonl", "{\"text\": \"ok\"}\n{\"text\": \n");
  CHECK(error_of(tmp / "bad2.jsonl").find("bad2.jsonl:2: not valid JSON") != std::string::npos);
  CorpusOptions o;
  o.format = "jsonl";
  write(tmp / "data.txt", "{\"text\": \"x\"}\n");
  CHECK(read_all(tmp / "data.txt", o).size() == 1);
}

TEST_CASE("invalid UTF-8: error with file:line, or skipped and counted", "[unit][data][corpus]") {
  TempDir tmp;
  write(tmp / "u.tsv", "text\tlabel\ngood\ta\nbad \xff byte\tb\nalso good\tc\n\xc3\x28\td\n");
  std::string err = error_of(tmp / "u.tsv");
  CHECK(err.find("u.tsv:3: column 'text': invalid UTF-8 (byte 0xFF") != std::string::npos);
  CHECK(err.find("--on-bad-row skip") != std::string::npos);
  CorpusOptions skip;
  skip.on_bad_row = "skip";
  auto r = CorpusReader::open(tmp / "u.tsv", skip);
  std::vector<std::string> texts;
  Document d;
  while (r->next(d)) texts.push_back(d.text);
  CHECK(texts == std::vector<std::string>{"good", "also good"});
  CHECK(r->skipped_rows() == 2);
  // Overlong encodings and surrogates are invalid too (as for Python's decoder).
  write(tmp / "o.txt", "fine\n\xc0\xaf\n\xed\xa0\x80\n\xf0\x9f\x98\x80 ok\n");
  CHECK(error_of(tmp / "o.txt").find("o.txt:2: invalid UTF-8 (byte 0xC0") != std::string::npos);
  auto r2 = CorpusReader::open(tmp / "o.txt", skip);
  int n = 0;
  while (r2->next(d)) ++n;
  CHECK(n == 2);
  CHECK(r2->skipped_rows() == 2);
  // The line of a bad byte inside a multi-line quoted field is the line of the byte.
  write(tmp / "q.tsv", "text\tlabel\n\"line one\nline \xfe two\"\tx\n");
  CorpusOptions csv;
  csv.quoting = "csv";
  CHECK(error_of(tmp / "q.tsv", csv).find("q.tsv:3: column 'text': invalid UTF-8") != std::string::npos);
}

TEST_CASE("a 5 MB single document streams through every reader", "[unit][data][corpus]") {
  TempDir tmp;
  std::string big;
  big.reserve(5u << 20);
  while (big.size() < (5u << 20)) big += "apple banana cherry \"q\" ";
  write(tmp / "big.tsv", "text\tlabel\n" + big + "\tx\nsmall\ty\n");
  auto docs = read_all(tmp / "big.tsv");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0].text == big);
  CHECK(docs[1].text == "small");
  CHECK(docs[1].line == 3);
  write(tmp / "big.txt", big + "\n");
  auto lines = read_all(tmp / "big.txt");
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].text.size() == big.size());
  write(tmp / "bigq.tsv", "text\tlabel\n" + pandas_quote(big + "\n\t") + "\tx\n");
  CorpusOptions csv;
  csv.quoting = "csv";
  auto q = read_all(tmp / "bigq.tsv", csv);
  REQUIRE(q.size() == 1);
  CHECK(q[0].text == big + "\n\t");
}

TEST_CASE("shared corpora: stackoverflow 20000 rows, 20 Newsgroups 11314 + 7532", "[unit][data][corpus][shared]") {
  std::string dir = ntm::test::data_dir();
  if (dir.empty()) NTM_SKIP("NTM_DATA_DIR is not set (the shared corpora; scripts/test.sh sets it from ../shared/data)");
  TempDir tmp;
  {
    auto r = CorpusReader::open(dir + "/stackoverflow/all.tsv");
    CHECK(r->quoting() == "none");  // the shared copy is not CSV-quoted
    std::map<std::string, int> per_label;
    std::string quoted;  // the shared rows written back as pandas writes them
    quoted += "text\tlabel\r\n";
    std::vector<Document> docs;
    Document d;
    while (r->next(d)) {
      ++per_label[d.label];
      quoted += pandas_quote(d.text) + "\t" + pandas_quote(d.label) + "\r\n";
      docs.push_back(d);
    }
    REQUIRE(docs.size() == 20000);
    CHECK(per_label.size() == 20);
    for (const auto& [label, n] : per_label) CHECK(n == 1000);
    CHECK(docs[10343].text.rfind("Phonon VideoWidget error: \"the video widget", 0) == 0);
    CHECK(docs[10343].label == "qt");
    CHECK(docs[287].text == "\"Phantom\" directories in an SVN repository");
    // Round trip through pandas-style quoting: --quoting auto detects it, every text comes back.
    write(tmp / "so_quoted.tsv", quoted);
    auto q = CorpusReader::open(tmp / "so_quoted.tsv");
    CHECK(q->quoting() == "csv");
    size_t i = 0, same = 0;
    while (q->next(d)) same += i < docs.size() && d.text == docs[i].text && d.label == docs[i].label, ++i;
    CHECK(i == 20000);
    CHECK(same == 20000);
  }
  // 20NG (shared/data/20newsgroups/README.md): 300 + 215 = 515 texts without any non-space
  // character, 218 + 162 of them the empty string.
  for (auto [file, rows, empty, blank] :
       {std::tuple{"train.tsv", 11314, 218, 300}, std::tuple{"test.tsv", 7532, 162, 215}}) {
    auto r = CorpusReader::open(dir + "/20newsgroups/" + file);
    std::set<std::string> labels;
    int n = 0, e = 0, b = 0;
    Document d;
    while (r->next(d)) {
      ++n;
      e += d.text.empty();
      b += ntm::is_blank_text(d.text);
      labels.insert(d.label);
    }
    CHECK(n == rows);
    CHECK(e == empty);
    CHECK(b == blank);
    CHECK(labels.size() == 20);
    CHECK(r->skipped_rows() == 0);
  }
}
