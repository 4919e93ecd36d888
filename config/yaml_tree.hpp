// A strict, located YAML tree built from yaml-cpp's event stream.
//
// We do not use YAML::Node: yaml-cpp 0.7 silently keeps one of two repeated keys and shares
// aliased subtrees, which lets a small "billion laughs" file cost exponential work. Building our
// own tree from parser events lets us reject duplicate keys, non-scalar keys, tags and multiple
// documents, and bound depth, size and alias expansion while the file is read.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace clocksim::config::yaml {

// Where a node was written. line == 0: no position (a value given on the command line).
struct Pos {
  std::shared_ptr<const std::string> source;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

struct Entry;

struct Node {
  enum class Kind : unsigned char { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  bool plain = true;          // scalar written without quotes (only those can be numbers/bools)
  std::string text;           // kScalar
  std::vector<Node> items;    // kSequence
  std::vector<Entry> entries; // kMap, in written order, keys unique
  Pos pos;

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }
  const Node* find(std::string_view key) const;
  Node* find(std::string_view key);
};

struct Entry {
  std::string key;
  Pos key_pos;
  Node value;
};

struct Limits {
  std::size_t max_bytes = 16u << 20;     // larger scenarios are generated, not written
  std::size_t max_nodes = 1'000'000;     // after alias expansion
  std::size_t max_alias_nodes = 100'000;  // copied by aliases: a bomb stops after ~10 MB
  int max_depth = 32;
};

// Parses exactly one YAML document. Throws ConfigError (with `source_name` and a 1-based
// position) on syntax errors, tabs in indentation, duplicate keys, excessive size or depth.
// An empty document yields a kNull node at 1:1.
Node parse_document(std::string_view text, const std::string& source_name, const Limits& limits = {});

// "a mapping", "a list", "nothing", or the quoted scalar text: for "expected X, got Y".
std::string describe(const Node& node);

// Sets every position in the subtree (used to relocate --set values to the command line).
void relocate(Node& node, const Pos& pos);

}  // namespace clocksim::config::yaml
