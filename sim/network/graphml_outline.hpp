// Where the nodes and edges of a GraphML file are written, for error messages: Boost's
// read_graphml (over Boost.PropertyTree) keeps no line numbers, so a bad latency in a file of
// thousands of edges came without one. This scans the text for the <node> and <edge> elements and
// their <data> children, keeping each one's line and column; it decides nothing about the graph
// (Boost's reader does), and runs only when there is an error to locate.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/network/dot_outline.hpp"

namespace clocksim::sim::graphml {

struct Data {
  std::string key;    // the <data key="..."> attribute: the id of a <key> element
  std::string value;  // its text, entities decoded, surrounding blanks dropped
  dot::Location at;   // of the text
};

struct Element {
  bool edge = false;  // <edge>, else <node>
  std::string id;     // a node's id
  std::string source, target;
  std::vector<Data> data;
  dot::Location at;   // of the '<'
};

struct Outline {
  std::vector<Element> elements;                  // <node> and <edge> elements in document order
  std::vector<std::pair<std::string, std::string>> keys;  // <key id="d0" attr.name="latency">: (id, name)
};

Outline outline(std::string_view text);

// Where the edge between `a` and `b` (either direction) holds a <data> for attribute `name` whose
// value satisfies `matches`, else where the first such edge is written; nothing when no edge
// joins them.
std::optional<dot::Location> edge_location(const Outline& o, std::string_view a, std::string_view b,
                                           std::string_view name, const std::function<bool(std::string_view)>& matches);

// Where <node id="name"> is written.
std::optional<dot::Location> node_location(const Outline& o, std::string_view name);

}  // namespace clocksim::sim::graphml
