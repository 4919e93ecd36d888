#include "config/yaml_tree.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "config/error.hpp"

namespace clocksim::config::yaml {

const Node* Node::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

Node* Node::find(std::string_view key) {
  for (auto& e : entries) {
    if (e.key == key) return &e.value;
  }
  return nullptr;
}

std::string describe(const Node& node) {
  switch (node.kind) {
    case Node::Kind::kNull: return "nothing (an empty value)";
    case Node::Kind::kSequence: return "a list";
    case Node::Kind::kMap: return "a mapping";
    case Node::Kind::kScalar: break;
  }
  return "'" + node.text + "'";
}

void relocate(Node& node, const Pos& pos) {
  node.pos = pos;
  for (auto& item : node.items) relocate(item, pos);
  for (auto& e : node.entries) {
    e.key_pos = pos;
    relocate(e.value, pos);
  }
}

namespace {

// YAML forbids tabs in indentation, and yaml-cpp's own message for them is vague; find them
// first so the user sees the exact line and column.
void reject_tab_indentation(std::string_view text, const std::string& source) {
  int line = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    int column = 1;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) {
      if (text[i] == '\t') {
        throw ConfigError(source, line, column, "",
                            "tab character in indentation; YAML indentation must use spaces");
      }
      ++i;
      ++column;
    }
    while (i < text.size() && text[i] != '\n') ++i;
    if (i < text.size()) ++i;
    ++line;
  }
}

// YAML text is Unicode, and every name and description read from it ends up in JSON, CSV and
// HTML outputs: a byte sequence that is not UTF-8 is refused where it is, not when summary.json
// is written. Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
void reject_non_yaml_text(std::string_view text, const std::string& source) {
  int line = 1;
  int column = 1;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b = static_cast<unsigned char>(text[i]);
    std::size_t len = 0;
    std::uint32_t min_code = 0;
    std::uint32_t code = 0;
    if (b < 0x80) {
      len = 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
      len = 2, min_code = 0x80, code = b & 0x1Fu;
    } else if (b >= 0xE0 && b <= 0xEF) {
      len = 3, min_code = 0x800, code = b & 0x0Fu;
    } else if (b >= 0xF0 && b <= 0xF4) {
      len = 4, min_code = 0x10000, code = b & 0x07u;
    }
    bool ok = len > 0 && i + len <= text.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      ok = (c & 0xC0u) == 0x80u;
      code = (code << 6) | (c & 0x3Fu);
    }
    ok = ok && code >= min_code && code <= 0x10FFFF && !(code >= 0xD800 && code <= 0xDFFF);
    if (!ok) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned>(b));
      throw ConfigError(source, line, column, "",
                        std::string("byte ") + hex + " is not UTF-8; save the file as UTF-8 (YAML text is Unicode)");
    }
    // YAML's printable set leaves out the C0 controls but tab, line feed and carriage return, DEL
    // and the C1 controls but NEL; the parser would otherwise report a NUL as an escape it does not
    // know, or pass a control character on into names that reach CSV and HTML.
    const bool control = len == 1 ? (b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b == 0x7F
                                   : len == 2 && code >= 0x80 && code <= 0x9F && code != 0x85;
    if (control) {
      char hex[12];
      std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(len == 1 ? b : code));
      throw ConfigError(source, line, column, "",
                        std::string("control character ") + hex +
                            " is not allowed in YAML text; inside double quotes write it as an escape (\"\\x..\")");
    }
    if (b == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
}

class TreeBuilder : public YAML::EventHandler {
 public:
  TreeBuilder(std::shared_ptr<const std::string> source, const Limits& limits)
      : source_(std::move(source)), limits_(limits) {}

  std::optional<Node>& root() { return root_; }

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (documents_++ > 0) fail(mark, "", "a file holds exactly one YAML document; found a second one");
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    key_must_be_scalar(mark, false);
    Node n;
    n.pos = pos(mark);
    count(mark, 1);
    finish(std::move(n), anchor, 1);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) fail(mark, path(), "alias refers to an anchor that is not complete yet");
    const std::size_t size = it->second.second;
    if (in_key_position() && !it->second.first.is_scalar()) {
      fail(mark, path(), "mapping keys must be plain names, not an alias to a list or mapping");
    }
    alias_nodes_ += size;
    if (alias_nodes_ > limits_.max_alias_nodes) {
      fail(mark, path(),
           "aliases expand to more than " + std::to_string(limits_.max_alias_nodes) +
               " YAML nodes (an alias bomb?); configuration files must stay small");
    }
    count(mark, size);
    finish(Node(it->second.first), 0, size);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    check_tag(mark, tag);
    // A NUL (written "\0" in a double-quoted string) ends the text wherever it reaches the
    // operating system: a path, a user or a host name would silently stand for its part before
    // the NUL ("x\0y.state" opens "x"). No value of any schema holds one.
    if (value.find('\0') != std::string::npos) {
      fail(mark, path(), "a NUL character (\\0) cannot be part of a key or value");
    }
    Node n;
    n.kind = Node::Kind::kScalar;
    n.plain = tag == "?";
    n.text = value;
    n.pos = pos(mark);
    reject_cut_call(n);
    count(mark, 1);
    finish(std::move(n), anchor, 1);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value style) override {
    open(mark, tag, anchor, Node::Kind::kSequence, style == YAML::EmitterStyle::Flow);
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value style) override {
    open(mark, tag, anchor, Node::Kind::kMap, style == YAML::EmitterStyle::Flow);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    Node node;
    YAML::anchor_t anchor = 0;
    std::size_t nodes_at_start = 0;
    bool flow = false;  // written {...} or [...]
    bool have_key = false;
    std::string key;
    Pos key_pos;
    std::map<std::string, Pos> seen;  // keys so far, for duplicate detection
  };

  Pos pos(const YAML::Mark& mark) const { return Pos{source_, mark.line + 1, mark.column + 1}; }

  [[noreturn]] void fail(const YAML::Mark& mark, const std::string& key_path, const std::string& msg) const {
    throw ConfigError(*source_, mark.line + 1, mark.column + 1, key_path, msg);
  }

  // Key path of the value being read, for messages ("links.overrides.0").
  std::string path() const {
    std::string p;
    for (const auto& f : stack_) {
      std::string part;
      if (f.node.is_sequence()) {
        part = std::to_string(f.node.items.size());
      } else if (f.have_key) {
        part = f.key;
      } else {
        continue;
      }
      p += p.empty() ? part : "." + part;
    }
    return p;
  }

  bool in_key_position() const {
    return !stack_.empty() && stack_.back().node.is_map() && !stack_.back().have_key;
  }

  void key_must_be_scalar(const YAML::Mark& mark, bool is_collection) {
    if (!in_key_position()) return;
    if (is_collection) fail(mark, path(), "mapping keys must be plain names, not a list or mapping");
    fail(mark, path(), "mapping key is empty");
  }

  void check_tag(const YAML::Mark& mark, const std::string& tag) const {
    // "?" = untagged plain, "!" = quoted (non-specific). Explicit tags would change how
    // scalars are typed behind the schema's back.
    if (!tag.empty() && tag != "?" && tag != "!") {
      fail(mark, path(), "YAML tags such as '" + tag + "' are not supported");
    }
  }

  void count(const YAML::Mark& mark, std::size_t n) {
    total_nodes_ += n;
    if (total_nodes_ > limits_.max_nodes) {
      fail(mark, path(),
           "document expands to more than " + std::to_string(limits_.max_nodes) +
               " YAML nodes (an alias bomb?); configuration files must stay small");
    }
  }

  // In {...} and [...] a comma separates entries, so "uniform(1ms, 5ms)" unquoted arrives as
  // "uniform(1ms" and a stray "5ms)". Say so instead of reporting a baffling unknown key.
  void reject_cut_call(const Node& n) const {
    if (!n.plain || stack_.empty() || !stack_.back().flow) return;
    std::ptrdiff_t depth = 0;
    for (char c : n.text) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
    if (depth == 0) return;
    throw ConfigError(*source_, n.pos.line, n.pos.column, path(),
                        "'" + n.text + "' is cut at a comma: inside {...} or [...] a comma separates entries, "
                        "so quote values that contain commas, e.g. \"uniform(1ms, 5ms)\"");
  }

  void open(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor, Node::Kind kind, bool flow) {
    key_must_be_scalar(mark, true);
    check_tag(mark, tag);
    if (static_cast<int>(stack_.size()) >= limits_.max_depth) {
      fail(mark, "", "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }
    count(mark, 1);
    Frame f;
    f.node.kind = kind;
    f.node.pos = pos(mark);
    f.anchor = anchor;
    f.flow = flow;
    f.nodes_at_start = total_nodes_ - 1;
    stack_.push_back(std::move(f));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    finish(std::move(f.node), f.anchor, total_nodes_ - f.nodes_at_start);
  }

  // A complete node: remember its anchor, then attach it to its parent (or make it the root).
  void finish(Node n, YAML::anchor_t anchor, std::size_t size) {
    if (anchor != 0) anchors_[anchor] = {n, size};
    if (stack_.empty()) {
      root_ = std::move(n);
      return;
    }
    Frame& parent = stack_.back();
    if (parent.node.is_sequence()) {
      parent.node.items.push_back(std::move(n));
      return;
    }
    if (!parent.have_key) {
      // n is the key (scalars only reach here; collections were refused in open()).
      const Pos key_pos = n.pos;
      if (n.is_null()) {
        throw ConfigError(*source_, key_pos.line, key_pos.column, path(), "mapping key is empty");
      }
      auto [it, inserted] = parent.seen.emplace(n.text, key_pos);
      if (!inserted) {
        const std::string parent_path = path();
        throw ConfigError(*source_, key_pos.line, key_pos.column,
                            parent_path.empty() ? n.text : parent_path + "." + n.text,
                            "duplicate key '" + n.text + "' (first written at line " +
                                std::to_string(it->second.line) + ", column " +
                                std::to_string(it->second.column) + ")");
      }
      parent.have_key = true;
      parent.key = std::move(n.text);
      parent.key_pos = key_pos;
      return;
    }
    parent.node.entries.push_back(Entry{std::move(parent.key), parent.key_pos, std::move(n)});
    parent.have_key = false;
    parent.key.clear();
  }

  std::shared_ptr<const std::string> source_;
  Limits limits_;
  std::vector<Frame> stack_;
  std::optional<Node> root_;
  std::map<YAML::anchor_t, std::pair<Node, std::size_t>> anchors_;
  std::size_t total_nodes_ = 0;
  std::size_t alias_nodes_ = 0;
  int documents_ = 0;
};

}  // namespace

Node parse_document(std::string_view text, const std::string& source_name, const Limits& limits) {
  if (text.size() > limits.max_bytes) {
    throw ConfigError(source_name, 1, 1, "",
                        "file is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  reject_non_yaml_text(text, source_name);
  reject_tab_indentation(text, source_name);
  auto source = std::make_shared<const std::string>(source_name);
  std::istringstream in{std::string(text)};
  TreeBuilder builder(source, limits);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const YAML::Exception& e) {
    throw ConfigError(source_name, e.mark.line + 1, e.mark.column + 1, "",
                        "YAML syntax error: " + e.msg);
  }
  if (!builder.root()) {
    Node empty;
    empty.pos = Pos{source, 1, 1};
    return empty;
  }
  return std::move(*builder.root());
}

}  // namespace clocksim::config::yaml
