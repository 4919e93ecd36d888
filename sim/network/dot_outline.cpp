#include "sim/network/dot_outline.hpp"

#include <algorithm>
#include <cctype>
#include <set>

namespace clocksim::sim::dot {
namespace {

struct Token {
  enum class Kind { kId, kPunct, kEdgeOp, kEnd };
  Kind kind = Kind::kEnd;
  std::string text;  // an id unquoted (`"a" + "b"` joined), else the characters themselves
  bool quoted = false;
  Location at;
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
          const int save_line = line_, save_col = col_;
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
          line_ = save_line;
          col_ = save_col;
          break;
        }
      } else if (c == '<') {
        // Graphviz reads <...> as an HTML string; Boost's reader does not, and refuses the file.
        html();
        throw SyntaxError{t.at, "an HTML string <...> cannot be read here: write the value in double quotes"};
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
      out.push_back(std::move(t));
    }
  }

 private:
  Location here() const { return {line_, col_}; }
  char advance() {
    const char c = s_[i_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else {
      ++col_;
    }
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

  // <...> with nested <> inside, as one id: its text between the outer brackets.
  std::string html() {
    const Location start = here();
    advance();  // <
    std::string out;
    for (int depth = 1;;) {
      if (i_ >= s_.size()) throw SyntaxError{start, "an HTML string <...> is never closed"};
      const char c = advance();
      if (c == '<') ++depth;
      if (c == '>' && --depth == 0) return out;
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
  int line_ = 1;
  int col_ = 1;
};

bool keyword(const Token& t, std::string_view word) {
  if (t.kind != Token::Kind::kId || t.quoted || t.text.size() != word.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(t.text[i])) != word[i]) return false;
  }
  return true;
}

std::string shown(const Token& t) {
  if (t.kind == Token::Kind::kEnd) return "the end of the file";
  if (t.kind == Token::Kind::kId && t.quoted) return "\"" + t.text + "\"";
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
    if (punct("{")) fail("expected a node name or 'subgraph' (Boost's reader needs the keyword before '{')");
    if (keyword(peek(), "subgraph")) {
      s.operands.emplace_back();
      s.operand_at.push_back(peek().at);
      ++i_;
      // `subgraph s` alone names a subgraph written before, as Boost's reader allows.
      if (peek().kind == Token::Kind::kId && !punct("{", 1)) {
        ++i_;
        return;
      }
      if (peek().kind == Token::Kind::kId) ++i_;
      expect("{", "to open the subgraph");
      statements();
      expect("}", "or a statement");
      return;
    }
    const Token& name = id("a node name, a subgraph or a statement");
    s.operands.push_back(name.text);
    s.operand_at.push_back(name.at);
    if (seen_.insert(name.text).second) out_.nodes.emplace_back(name.text, name.at);
    for (int k = 0; k < 2 && punct(":"); ++k) {  // port, then compass point
      ++i_;
      id("a port after ':'");
    }
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
};

}  // namespace

Outline outline(std::string_view text) {
  Outline o;
  try {
    Parser(Lexer(text).tokens(), o).graph();
  } catch (const SyntaxError& e) {
    o.problem_at = e.at;
    o.problem = e.message;
  }
  return o;
}

std::optional<Location> edge_location(const Outline& o, std::string_view a, std::string_view b, std::string_view name,
                                      const std::function<bool(std::string_view)>& matches) {
  auto joins = [&](const Statement& s) -> std::optional<Location> {
    for (std::size_t k = 0; k + 1 < s.operands.size(); ++k) {
      const std::string& x = s.operands[k];
      const std::string& y = s.operands[k + 1];
      if ((x == a && y == b) || (x == b && y == a)) return s.operand_at[k];
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
