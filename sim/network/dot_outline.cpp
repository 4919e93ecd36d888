#include "sim/network/dot_outline.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

namespace clocksim::sim::dot {
namespace {

struct Token {
  enum class Kind { kId, kPunct, kEdgeOp, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;  // an id unquoted (`"a" + "b"` joined), else the characters themselves
  bool quoted = false;
  bool html = false;  // <...>: text is what is between the outer brackets
  Location at;
  std::size_t begin = 0, end = 0;  // byte offsets in the text, end past the last character
};

// A located syntax error; caught by outline(), which records it.
struct SyntaxError {
  Location at;
  std::string message;
};

bool id_start(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool id_char(unsigned char c) { return id_start(c) || std::isdigit(c); }

class Lexer {
 public:
  explicit Lexer(std::string_view text) : s_(text) {}

  std::vector<Token> tokens() {
    std::vector<Token> out;
    while (true) {
      skip_space_and_comments();
      Token t;
      t.at = here();
      t.begin = t.end = i_;
      if (i_ >= s_.size()) {
        out.push_back(t);
        return out;
      }
      const char c = s_[i_];
      if (c == '"') {
        t.kind = Token::Kind::kId;
        t.quoted = true;
        t.text = quoted();
        // "a" + "b" is one id.
        while (true) {
          const std::size_t save_i = i_;
          const Location saved_at = at_;
          skip_space_and_comments();
          if (i_ < s_.size() && s_[i_] == '+') {
            advance();
            skip_space_and_comments();
            if (i_ < s_.size() && s_[i_] == '"') {
              t.text += quoted();
              continue;
            }
          }
          i_ = save_i;
          at_ = saved_at;
          break;
        }
      } else if (c == '<') {
        // Graphviz reads <...> as an HTML string, an id like any other; Boost's reader does not
        // (in_boost_dialect() quotes it).
        t.kind = Token::Kind::kId;
        t.html = true;
        t.text = html();
      } else if (c == '-' && i_ + 1 < s_.size() && (s_[i_ + 1] == '-' || s_[i_ + 1] == '>')) {
        t.kind = Token::Kind::kEdgeOp;
        t.text = std::string(s_.substr(i_, 2));
        advance();
        advance();
      } else if (c == '-' || c == '.' || std::isdigit(static_cast<unsigned char>(c))) {
        t.kind = Token::Kind::kId;
        t.text = numeral();
      } else if (id_start(static_cast<unsigned char>(c))) {
        t.kind = Token::Kind::kId;
        while (i_ < s_.size() && id_char(static_cast<unsigned char>(s_[i_]))) t.text += advance();
      } else if (std::string_view("{}[];,=:").find(c) != std::string_view::npos) {
        t.kind = Token::Kind::kPunct;
        t.text = std::string(1, advance());
      } else {
        throw SyntaxError{t.at, std::string("unexpected character '") + c + "'"};
      }
      t.end = i_;
      out.push_back(std::move(t));
    }
  }

 private:
  Location here() const { return at_; }
  char advance() {
    const char c = s_[i_++];
    at_.step(c);
    return c;
  }

  void skip_space_and_comments() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (std::isspace(static_cast<unsigned char>(c))) {
        advance();
      } else if (c == '#') {  // Graphviz drops a C preprocessor's line; Boost any '#' to the end of the line
        while (i_ < s_.size() && s_[i_] != '\n') advance();
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '/') {
        while (i_ < s_.size() && s_[i_] != '\n') advance();
      } else if (c == '/' && i_ + 1 < s_.size() && s_[i_ + 1] == '*') {
        const Location start = here();
        advance();
        advance();
        while (i_ < s_.size() && !(s_[i_] == '*' && i_ + 1 < s_.size() && s_[i_ + 1] == '/')) advance();
        if (i_ >= s_.size()) throw SyntaxError{start, "a /* comment is never closed"};
        advance();
        advance();
      } else {
        return;
      }
    }
  }

  std::string quoted() {
    const Location start = here();
    advance();  // "
    std::string out;
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '"') {
        advance();
        out += advance();
      } else if (s_[i_] == '\\' && i_ + 1 < s_.size() && s_[i_ + 1] == '\n') {
        advance();  // a line continued
        advance();
      } else {
        out += advance();
      }
    }
    if (i_ >= s_.size()) throw SyntaxError{start, "a quoted string is never closed"};
    advance();
    return out;
  }

  // <...> with nested <> inside, as one id: its text between the outer brackets. Quoted for
  // Boost's reader, a backslash before a quote, a line end or the end would read as an escape (a
  // quote or a line continued): refused, located, rather than read as another name or value.
  std::string html() {
    const Location start = here();
    advance();  // <
    std::string out;
    for (int depth = 1;;) {
      if (i_ >= s_.size()) throw SyntaxError{start, "an HTML string <...> is never closed"};
      const Location at = here();
      const char c = advance();
      if (c == '<') ++depth;
      if (c == '>' && --depth == 0) return out;
      const bool closing_next = i_ < s_.size() && s_[i_] == '>' && depth == 1;
      if (c == '\\' && i_ < s_.size() && (closing_next || std::string_view("\"\n\r").find(s_[i_]) != std::string_view::npos)) {
        throw SyntaxError{at, "a backslash before a quote, a line end or the closing '>' of an HTML string <...> "
                              "cannot be read here: write the value in double quotes"};
      }
      out += c;
    }
  }

  std::string numeral() {
    std::string out;
    if (s_[i_] == '-') out += advance();
    bool digits = false;
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
      out += advance();
      digits = true;
    }
    if (i_ < s_.size() && s_[i_] == '.') {
      out += advance();
      while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_]))) {
        out += advance();
        digits = true;
      }
    }
    if (!digits) throw SyntaxError{here(), "expected a number after '" + out + "'"};
    return out;
  }

  std::string_view s_;
  std::size_t i_ = 0;
  Location at_{1, 1};
};

bool keyword(const Token& t, std::string_view word) {
  if (t.kind != Token::Kind::kId || t.quoted || t.html || t.text.size() != word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(t.text[i])) != word[i]) return false;
  }
  return true;
}

std::string shown(const Token& t) {
  if (t.kind == Token::Kind::kEnd) return "the end of the file";
  if (t.kind == Token::Kind::kId && t.quoted) return "\"" + t.text + "\"";
  if (t.kind == Token::Kind::kId && t.html) return "<" + t.text + ">";
  return "'" + t.text + "'";
}

class Parser {
 public:
  Parser(std::vector<Token> tokens, Outline& out) : t_(std::move(tokens)), out_(out) {}

  void graph() {
    if (keyword(peek(), "strict")) ++i_;
    if (keyword(peek(), "graph")) {
      directed_ = false;
    } else if (keyword(peek(), "digraph")) {
      directed_ = true;
    } else {
      fail("expected 'graph' or 'digraph'");
    }
    ++i_;
    if (peek().kind == Token::Kind::kId) ++i_;
    expect("{", "to open the graph");
    statements();
    expect("}", "or a statement");
    if (peek().kind != Token::Kind::kEnd) fail("expected the end of the file after the graph's '}'");
  }

 private:
  const Token& peek(std::size_t ahead = 0) const {
    const std::size_t k = std::min(i_ + ahead, t_.size() - 1);
    return t_[k];
  }
  bool punct(std::string_view p, std::size_t ahead = 0) const {
    const Token& t = peek(ahead);
    return t.kind == Token::Kind::kPunct && t.text == p;
  }
  [[noreturn]] void fail(const std::string& what) const { throw SyntaxError{peek().at, what + ", got " + shown(peek())}; }
  void expect(std::string_view p, const std::string& why) {
    if (!punct(p)) fail("expected '" + std::string(p) + "' " + why);
    ++i_;
  }
  const Token& id(const std::string& what) {
    if (peek().kind != Token::Kind::kId) fail("expected " + what);
    return t_[i_++];
  }

  void statements() {
    while (!punct("}") && peek().kind != Token::Kind::kEnd) {
      statement();
      if (punct(";")) ++i_;
    }
  }

  void statement() {
    const bool is_graph = keyword(peek(), "graph"), is_node = keyword(peek(), "node"), is_edge = keyword(peek(), "edge");
    if (is_graph || is_node || is_edge) {
      ++i_;
      Statement s;
      s.edge_defaults = is_edge;
      if (!punct("[")) fail("expected '[' after '" + t_[i_ - 1].text + "'");
      attributes(s.attributes);
      if (is_edge) out_.statements.push_back(std::move(s));
      return;
    }
    if (peek().kind == Token::Kind::kId && !keyword(peek(), "subgraph") && punct("=", 1)) {
      i_ += 2;
      id("a value after '='");
      return;
    }
    Statement s;
    operand(s);
    while (peek().kind == Token::Kind::kEdgeOp) {
      const Token& op = peek();
      if (!directed_ && op.text == "->") fail("an undirected graph joins nodes with '--'");
      if (directed_ && op.text == "--") fail("a directed graph joins nodes with '->'");
      ++i_;
      operand(s);
    }
    std::vector<Attribute> attrs;
    if (punct("[")) attributes(attrs);
    if (s.operands.size() >= 2) {
      s.attributes = std::move(attrs);
      out_.statements.push_back(std::move(s));
    }
  }

  // A node id (with an optional port) or a subgraph, appended to s.operands.
  void operand(Statement& s) {
    if (punct("{")) {
      // A subgraph without the keyword, as Graphviz reads it (`a -- {b c}`, `{rank=same; a b}`);
      // Boost's reader needs the keyword (in_boost_dialect() writes it).
      out_.anonymous_subgraphs.push_back(peek().begin);
      s.operands.emplace_back();
      s.operand_at.push_back(peek().at);
      ++i_;
      s.operand_nodes.push_back(subgraph_body());
      return;
    }
    if (keyword(peek(), "subgraph")) {
      s.operands.emplace_back();
      s.operand_at.push_back(peek().at);
      ++i_;
      // `subgraph s` alone names a subgraph written before, as Boost's reader allows.
      if (peek().kind == Token::Kind::kId && !punct("{", 1)) {
        const auto written = subgraph_nodes_.find(peek().text);
        s.operand_nodes.push_back(written == subgraph_nodes_.end() ? std::vector<std::string>{} : written->second);
        note_written(s.operand_nodes.back());
        ++i_;
        return;
      }
      const std::string name = peek().kind == Token::Kind::kId ? t_[i_++].text : std::string();
      expect("{", "to open the subgraph");
      s.operand_nodes.push_back(subgraph_body());
      if (!name.empty()) subgraph_nodes_[name] = s.operand_nodes.back();
      return;
    }
    const Token& name = id("a node name, a subgraph or a statement");
    s.operands.push_back(name.text);
    s.operand_at.push_back(name.at);
    s.operand_nodes.push_back({name.text});
    note_written(s.operand_nodes.back());
    if (seen_.insert(name.text).second) out_.nodes.emplace_back(name.text, name.at);
    for (int k = 0; k < 2 && punct(":"); ++k) {  // port, then compass point
      ++i_;
      id("a port after ':'");
    }
  }

  // A subgraph's statements and its closing '}', after its '{': the nodes written inside.
  std::vector<std::string> subgraph_body() {
    open_subgraphs_.emplace_back();
    statements();
    expect("}", "or a statement");
    std::vector<std::string> nodes = std::move(open_subgraphs_.back());
    open_subgraphs_.pop_back();
    note_written(nodes);
    return nodes;
  }

  // Nodes written in the innermost subgraph being read, if any (and so in those around it).
  void note_written(const std::vector<std::string>& nodes) {
    if (!open_subgraphs_.empty()) open_subgraphs_.back().insert(open_subgraphs_.back().end(), nodes.begin(), nodes.end());
  }

  void attributes(std::vector<Attribute>& into) {
    while (punct("[")) {
      ++i_;
      while (!punct("]")) {
        const Token& name = id("an attribute name or ']'");
        // A name without '=' is read as name=true, as Boost's reader does (`[dashed]`).
        if (!punct("=")) {
          into.push_back(Attribute{name.text, "true", name.at});
        } else {
          ++i_;
          const Token& value = id("a value for attribute '" + name.text + "'");
          into.push_back(Attribute{name.text, value.text, value.at});
        }
        if (punct(";") || punct(",")) ++i_;
      }
      ++i_;
    }
  }

  std::vector<Token> t_;
  std::size_t i_ = 0;
  bool directed_ = false;
  Outline& out_;
  std::set<std::string> seen_;
  std::vector<std::vector<std::string>> open_subgraphs_;  // the nodes written in each subgraph being read
  std::map<std::string, std::vector<std::string>> subgraph_nodes_;  // by name, for `subgraph s` written again
};

}  // namespace

Outline outline(std::string_view text) {
  Outline o;
  try {
    std::vector<Token> tokens = Lexer(text).tokens();
    for (const Token& t : tokens) {
      if (t.html) o.html_strings.emplace_back(t.begin, t.end);
    }
    Parser(std::move(tokens), o).graph();
  } catch (const SyntaxError& e) {
    o.problem_at = e.at;
    o.problem = e.message;
  }
  return o;
}

std::optional<std::string> in_boost_dialect(std::string_view text) {
  // A file with one '{' (the graph's) and no '<' has nothing to rewrite: most files, read once.
  if (text.find('<') == std::string_view::npos && std::count(text.begin(), text.end(), '{') <= 1) return std::nullopt;
  const Outline o = outline(text);
  if (o.problem_at || (o.anonymous_subgraphs.empty() && o.html_strings.empty())) return std::nullopt;
  std::string out;
  out.reserve(text.size() + 10 * o.anonymous_subgraphs.size() + 4 * o.html_strings.size());
  std::size_t copied = 0;  // text before this is in out
  auto subgraph = o.anonymous_subgraphs.begin();
  auto html = o.html_strings.begin();
  while (subgraph != o.anonymous_subgraphs.end() || html != o.html_strings.end()) {
    const bool take_subgraph = html == o.html_strings.end() || (subgraph != o.anonymous_subgraphs.end() && *subgraph < html->first);
    if (take_subgraph) {
      out.append(text.substr(copied, *subgraph - copied));
      // Spaced, so that it cannot run into a name before it (`a{b}` is a node, then a subgraph).
      out += " subgraph ";
      copied = *subgraph++;
    } else {
      out.append(text.substr(copied, html->first - copied));
      out += " \"";
      for (const char c : text.substr(html->first + 1, html->second - html->first - 2)) {
        if (c == '"') out += '\\';
        out += c;
      }
      out += "\" ";
      copied = html++->second;
    }
  }
  out.append(text.substr(copied));
  return out;
}

std::optional<Location> edge_location(const Outline& o, std::string_view a, std::string_view b, std::string_view name,
                                      const std::function<bool(std::string_view)>& matches) {
  auto joins = [&](const Statement& s) -> std::optional<Location> {
    auto has = [](const std::vector<std::string>& nodes, std::string_view n) {
      return std::find(nodes.begin(), nodes.end(), n) != nodes.end();
    };
    for (std::size_t k = 0; k + 1 < s.operand_nodes.size(); ++k) {
      const auto& x = s.operand_nodes[k];
      const auto& y = s.operand_nodes[k + 1];
      if ((has(x, a) && has(y, b)) || (has(x, b) && has(y, a))) return s.operand_at[k];
    }
    return std::nullopt;
  };
  auto writes = [&](const Statement& s) -> std::optional<Location> {
    for (const Attribute& at : s.attributes) {
      if (at.name == name && matches(at.value)) return at.at;
    }
    return std::nullopt;
  };
  for (const Statement& s : o.statements) {
    if (s.edge_defaults || !joins(s)) continue;
    if (auto at = writes(s)) return at;
  }
  for (const Statement& s : o.statements) {
    if (!s.edge_defaults) continue;
    if (auto at = writes(s)) return at;
  }
  for (const Statement& s : o.statements) {
    if (auto at = joins(s)) return at;
  }
  return std::nullopt;
}

std::optional<Location> node_location(const Outline& o, std::string_view name) {
  for (const auto& [node, at] : o.nodes) {
    if (node == name) return at;
  }
  return std::nullopt;
}

std::optional<Attribute> find_attribute(const Outline& o, std::string_view name,
                                        const std::function<bool(std::string_view)>& matches) {
  for (const Statement& s : o.statements) {
    for (const Attribute& at : s.attributes) {
      if (at.name == name && matches(at.value)) return at;
    }
  }
  return std::nullopt;
}

}  // namespace clocksim::sim::dot
