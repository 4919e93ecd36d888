#include "sim/network/nesting_limit.hpp"

#include <cctype>
#include <cstddef>
#include <utility>

namespace clocksim::sim {

namespace {

// A cursor over the text that keeps the line and byte column, as the outlines count them.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : s_(text) {}

  bool done() const { return i_ >= s_.size(); }
  bool has(std::size_t ahead) const { return i_ + ahead < s_.size(); }
  char peek(std::size_t ahead = 0) const { return has(ahead) ? s_[i_ + ahead] : '\0'; }
  bool starts(std::string_view p) const { return s_.substr(i_, p.size()) == p; }
  std::size_t pos() const { return i_; }
  std::string_view text() const { return s_; }
  dot::Location here() const { return at_; }

  char advance() {
    const char c = s_[i_++];
    at_.step(c);
    return c;
  }
  void advance_to(std::size_t pos) {
    while (i_ < pos && !done()) advance();
  }
  // Past the next `end` (or to the end of the text).
  void skip_past(std::string_view end) {
    while (!done() && !starts(end)) advance();
    for (std::size_t k = 0; k < end.size() && !done(); ++k) advance();
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;
  dot::Location at_{1, 1};
};

// Counts nesting: a level opened past max_depth is where the text is refused. A closing brace
// with no level open is skipped: a parser stops there, and counting on is only more careful.
class Depth {
 public:
  explicit Depth(int max_depth) : max_(max_depth) {}
  bool open() { return ++depth_ > max_; }  // true: too deep
  void close() {
    if (depth_ > 0) --depth_;
  }

 private:
  int max_;
  int depth_ = 0;
};

// --- DOT as the outline (dot_outline.cpp) lexes it, as Graphviz does ---------------------------
// A backslash escapes only a quote or a line end in a quoted string; HTML strings `<...>` nest
// their angle brackets; `#` (anywhere), `//` and `/* */` start comments.

void skip_outline_quoted(Cursor& c) {
  c.advance();  // "
  while (!c.done() && c.peek() != '"') {
    if (c.peek() == '\\' && (c.peek(1) == '"' || c.peek(1) == '\n')) c.advance();
    c.advance();
  }
  if (!c.done()) c.advance();
}

void skip_outline_html(Cursor& c) {
  c.advance();  // <
  for (int depth = 1; !c.done() && depth > 0;) {
    const char ch = c.advance();
    if (ch == '<') ++depth;
    if (ch == '>') --depth;
  }
}

std::optional<dot::Location> as_outline_lexes(std::string_view text, int max_depth) {
  Cursor c(text);
  Depth depth(max_depth);
  while (!c.done()) {
    const char ch = c.peek();
    if (ch == '"') {
      skip_outline_quoted(c);
    } else if (ch == '<') {
      skip_outline_html(c);
    } else if (ch == '#' || (ch == '/' && c.peek(1) == '/')) {
      c.skip_past("\n");
    } else if (ch == '/' && c.peek(1) == '*') {
      c.advance();
      c.advance();
      c.skip_past("*/");
    } else {
      if (ch == '{' && depth.open()) return c.here();
      if (ch == '}') depth.close();
      c.advance();
    }
  }
  return std::nullopt;
}

// --- DOT as Boost's read_graphviz (1.74, Debian 12) lexes it -----------------------------------
// Its tokenizer, by its regular expressions: between tokens it skips white space, `//` to the end
// of the line, `/* */`, `#` only at the start of a line, and a backslash before a line end; a
// quoted string is `"(?:[^"\\]|\\.)*"` (a backslash escapes any character); and `<` starts an
// HTML string read tag by tag, `<(/?)(?:[^!?'"]|'[^']*?'|"[^"]*?")*?(/?)>` or a CDATA section,
// until as many tags have closed as opened (text between tags is skipped). Where a string or an
// HTML string fails, the tokenizer throws and the reader stops: so does this scan, which keeps it
// linear (reading on would rescan the rest of the text from every later '<' or quote). Past a
// character it has no token for the reader stops too; this scan reads on, which can only find
// more levels.

bool line_end(char c) { return c == '\n' || c == '\r' || c == '\f'; }

// The end of Boost's tag expression matched at `at` (a '<'), and whether the tag closes (`</`)
// or is empty (`/>`); nothing when it does not match there.
struct HtmlTag {
  std::size_t end = 0;
  bool closes = false;
  bool empty = false;
};

std::optional<HtmlTag> boost_html_tag(std::string_view s, std::size_t at) {
  HtmlTag tag;
  std::size_t j = at + 1;
  if (j < s.size() && s[j] == '/') {
    tag.closes = true;
    ++j;
  }
  while (j < s.size()) {
    // The lazy repetition tries to end first: `/>` (an empty tag) or `>`.
    if (s[j] == '/' && j + 1 < s.size() && s[j + 1] == '>') {
      tag.empty = true;
      tag.end = j + 2;
      return tag;
    }
    if (s[j] == '>') {
      tag.end = j + 1;
      return tag;
    }
    if (s[j] == '\'' || s[j] == '"') {
      const std::size_t close = s.find(s[j], j + 1);
      if (close == std::string_view::npos) return std::nullopt;
      j = close + 1;
    } else if (s[j] == '!' || s[j] == '?') {
      return std::nullopt;
    } else {
      ++j;
    }
  }
  return std::nullopt;
}

// Past an HTML string; false where the tokenizer fails in it.
bool skip_boost_html(Cursor& c) {
  const std::string_view s = c.text();
  int open_tags = 0;
  do {
    if (c.done()) return false;  // never closed
    if (c.peek() != '<') {
      c.advance();
      continue;
    }
    if (const auto tag = boost_html_tag(s, c.pos())) {
      c.advance_to(tag->end);
      if (tag->closes) {
        --open_tags;
      } else if (!tag->empty) {
        ++open_tags;
      }
    } else if (c.starts("<![CDATA[") && s.find("]]>", c.pos()) != std::string_view::npos) {
      c.skip_past("]]>");
    } else {
      return false;
    }
  } while (open_tags > 0);
  return true;
}

// Past a quoted string; false where it never closes.
bool skip_boost_quoted(Cursor& c) {
  const std::string_view s = c.text();
  std::size_t j = c.pos() + 1;
  while (j < s.size() && s[j] != '"') j += s[j] == '\\' && j + 1 < s.size() ? 2 : 1;
  if (j >= s.size()) return false;
  c.advance_to(j + 1);
  return true;
}

// What the tokenizer skips before a token. `last_comment_end`: where the text's last `*/` starts
// (a `/*` with none after it is not a comment, found without searching the rest each time).
void skip_boost_between_tokens(Cursor& c, std::size_t last_comment_end) {
  while (!c.done()) {
    const char ch = c.peek();
    const bool line_start = c.pos() == 0 || line_end(c.text()[c.pos() - 1]);
    if (std::isspace(static_cast<unsigned char>(ch)) != 0) {
      c.advance();
    } else if (ch == '/' && c.peek(1) == '/') {
      while (!c.done() && !line_end(c.peek())) c.advance();
    } else if (ch == '/' && c.peek(1) == '*' && last_comment_end != std::string_view::npos &&
               last_comment_end >= c.pos() + 2) {
      c.advance();
      c.advance();
      c.skip_past("*/");
    } else if (ch == '#' && line_start) {
      while (!c.done() && !line_end(c.peek())) c.advance();
    } else if (ch == '\\' && c.peek(1) == '\n') {
      c.advance();
      c.advance();
    } else {
      return;
    }
  }
}

std::optional<dot::Location> as_boost_lexes(std::string_view text, int max_depth) {
  Cursor c(text);
  Depth depth(max_depth);
  const std::size_t last_comment_end = text.rfind("*/");
  for (skip_boost_between_tokens(c, last_comment_end); !c.done(); skip_boost_between_tokens(c, last_comment_end)) {
    const char ch = c.peek();
    if (ch == '"') {
      if (!skip_boost_quoted(c)) return std::nullopt;
    } else if (ch == '<') {
      if (!skip_boost_html(c)) return std::nullopt;
    } else {
      // Identifiers, numbers and punctuation hold no quote, '<', '/', '#' or backslash: read
      // a character at a time, they count the same as token by token.
      if (ch == '{' && depth.open()) return c.here();
      if (ch == '}') depth.close();
      c.advance();
    }
  }
  return std::nullopt;
}

// --- XML as RapidXML reads it (Boost.PropertyTree's parser, under Boost's GraphML reader) ------
// Ported from its parse functions: an element's name is any run of characters but white space,
// '/', '>' and '?' (so `<"` opens an element named `"`); attribute names exclude '!', '<' and '='
// too; a value runs to its closing quote, '>' or '<' included; comments, CDATA sections,
// processing instructions and the DOCTYPE (its internal subset nesting brackets) are skipped; any
// other `<!` to its first '>'. The text ends at its first NUL. Where the parser would fail it
// stops, and so does this scan.

bool xml_space(char c) { return c == '\t' || c == '\n' || c == '\r' || c == ' '; }
bool xml_name_char(char c) { return c != '\0' && !xml_space(c) && c != '/' && c != '>' && c != '?'; }
bool xml_attribute_name_char(char c) { return xml_name_char(c) && c != '!' && c != '<' && c != '='; }

void skip_xml_space(Cursor& c) {
  while (!c.done() && xml_space(c.peek())) c.advance();
}

// Past `end`; false when the text ends first (the parser fails).
bool past(Cursor& c, std::string_view end) {
  if (c.text().find(end, c.pos()) == std::string_view::npos) return false;
  c.skip_past(end);
  return true;
}

// After `<!DOCTYPE `, to its closing '>'.
bool past_doctype(Cursor& c) {
  while (!c.done() && c.peek() != '>') {
    if (c.advance() != '[') continue;
    for (int brackets = 1; brackets > 0;) {
      if (c.done()) return false;
      const char ch = c.advance();
      if (ch == '[') ++brackets;
      if (ch == ']') --brackets;
    }
  }
  if (c.done()) return false;
  c.advance();
  return true;
}

// A start tag's name and attributes, after its '<'; what ends it: '>' (contents follow), '/'
// (an empty element), or '\0' where the parser fails.
char read_start_tag(Cursor& c) {
  if (c.done() || !xml_name_char(c.peek())) return '\0';
  while (!c.done() && xml_name_char(c.peek())) c.advance();
  skip_xml_space(c);
  while (!c.done() && xml_attribute_name_char(c.peek())) {
    while (!c.done() && xml_attribute_name_char(c.peek())) c.advance();
    skip_xml_space(c);
    if (c.peek() != '=') return '\0';
    c.advance();
    skip_xml_space(c);
    const char quote = c.peek();
    if (quote != '"' && quote != '\'') return '\0';
    c.advance();
    while (!c.done() && c.peek() != quote) c.advance();
    if (c.done()) return '\0';
    c.advance();
    skip_xml_space(c);
  }
  if (c.peek() == '>') {
    c.advance();
    return '>';
  }
  if (c.peek() == '/' && c.peek(1) == '>') {
    c.advance();
    c.advance();
    return '/';
  }
  return '\0';
}

}  // namespace

std::optional<dot::Location> dot_nesting_beyond(std::string_view text, int max_depth) {
  const auto as_outline = as_outline_lexes(text, max_depth);
  const auto as_boost = as_boost_lexes(text, max_depth);
  if (!as_outline || !as_boost) return as_outline ? as_outline : as_boost;
  const bool outline_first = std::pair(as_outline->line, as_outline->column) <= std::pair(as_boost->line, as_boost->column);
  return outline_first ? as_outline : as_boost;
}

std::optional<dot::Location> xml_nesting_beyond(std::string_view text, int max_depth) {
  Cursor c(text.substr(0, text.find('\0')));
  if (c.starts("\xEF\xBB\xBF")) c.advance_to(3);  // a UTF-8 byte order mark, which the parser skips
  Depth depth(max_depth);
  for (int open = 0;;) {
    if (open == 0) {
      skip_xml_space(c);  // between top-level nodes, only white space
      if (c.done() || c.peek() != '<') return std::nullopt;
    } else {
      while (!c.done() && c.peek() != '<') c.advance();  // character data
      if (c.done()) return std::nullopt;
    }
    if (open > 0 && c.peek(1) == '/') {  // the open element's closing tag
      c.advance();
      c.advance();
      while (!c.done() && xml_name_char(c.peek())) c.advance();
      skip_xml_space(c);
      if (c.peek() != '>') return std::nullopt;
      c.advance();
      --open;
      depth.close();
      continue;
    }
    const dot::Location at = c.here();
    c.advance();  // <
    bool read = true;
    // The parser looks for a declaration's end only after its opening: `<?>` and `<!-->` do
    // not close themselves.
    if (c.starts("?")) {
      c.advance();
      read = past(c, "?>");
    } else if (c.starts("!--")) {
      c.advance_to(c.pos() + 3);
      read = past(c, "-->");
    } else if (c.starts("![CDATA[")) {
      c.advance_to(c.pos() + 8);
      read = past(c, "]]>");
    } else if (c.starts("!DOCTYPE") && xml_space(c.peek(8))) {
      c.advance_to(c.pos() + 9);
      read = past_doctype(c);
    } else if (c.starts("!")) {
      read = past(c, ">");
    } else {
      const char ends = read_start_tag(c);
      if (ends == '>') {
        ++open;
        if (depth.open()) return at;
      }
      read = ends != '\0';
    }
    if (!read) return std::nullopt;
  }
}

}  // namespace clocksim::sim
