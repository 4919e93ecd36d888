// Where things are in a DOT file, for error messages. Boost's read_graphviz builds the graph but
// says neither where a syntax error is nor where an edge was written, so a problem in a file of
// thousands of edges came without a line. This reads the file a second time, only to locate:
// a lexer and a recursive-descent parser of the DOT grammar (graphviz.org/doc/info/lang.html)
// that keep the line and column of every token, and an outline of the statements that write
// edges and attributes. It decides nothing about the graph: Boost's reader stays the one that
// accepts or refuses a file, and a location is only added to what it reported.
//
// Two forms Graphviz reads are refused by Boost's reader: a subgraph without the keyword
// `subgraph` (`hub -- {a b c}`, `{rank=same; a b}`) and HTML strings `<...>`. The outline finds
// them, and in_boost_dialect() rewrites them into what Boost reads with the same meaning.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clocksim::sim::dot {

struct Location {
  int line = 0;
  int column = 0;
  // Past character `c` of the text: a line break starts the next line. Columns count bytes.
  void step(char c) {
    if (c == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
};

// One `name = value` of an attribute list, the value unquoted.
struct Attribute {
  std::string name;
  std::string value;
  Location at;  // of the value
};

// A statement that writes edges (`a -- b -- c [attrs]`: its operands in order, a subgraph
// operand as an empty name) or sets the default attributes of the edges that follow
// (`edge [attrs]`, no operands). Statements inside subgraphs are listed in file order too.
struct Statement {
  bool edge_defaults = false;
  std::vector<std::string> operands;
  std::vector<Location> operand_at;
  // Per operand, the nodes an edge to it reaches: a node operand's own name, or every node
  // written inside a subgraph operand (`a -- {b c}` joins a to b and to c).
  std::vector<std::vector<std::string>> operand_nodes;
  std::vector<Attribute> attributes;
};

struct Outline {
  std::vector<Statement> statements;
  std::vector<std::pair<std::string, Location>> nodes;  // each node name where first written
  std::optional<Location> problem_at;  // the first place the text leaves the grammar, if any
  std::string problem;                 // what was expected there
  // Byte offsets of the '{' of each subgraph written without the keyword, in text order.
  std::vector<std::size_t> anonymous_subgraphs;
  // Byte ranges [begin, end) of each HTML string, brackets included, in text order.
  std::vector<std::pair<std::size_t, std::size_t>> html_strings;
};

Outline outline(std::string_view text);

// `text` with every subgraph written without the keyword given it (`{` becomes ` subgraph {`)
// and every HTML string quoted (`<<b>x</b>>` becomes ` "<b>x</b>" `, its text between the
// outer brackets, a quote in it escaped; spaced, so that no token runs into its neighbour): what Boost's reader reads as Graphviz reads the original.
// Nothing when there is nothing to rewrite, or when the text leaves the grammar (Boost's reader
// then refuses the original, and the outline says where).
std::optional<std::string> in_boost_dialect(std::string_view text);

// Where the edge between `a` and `b` (either direction) gets an attribute `name` whose value
// satisfies `matches`: the first edge statement joining them that writes such a value, else the
// first `edge [...]` default that does, else the first statement joining them (through a
// subgraph too). Nothing when no statement joins them.
std::optional<Location> edge_location(const Outline& o, std::string_view a, std::string_view b, std::string_view name,
                                      const std::function<bool(std::string_view)>& matches);

// Where node `name` is first written.
std::optional<Location> node_location(const Outline& o, std::string_view name);

// The first attribute `name`, anywhere, whose value satisfies `matches`, with that value.
std::optional<Attribute> find_attribute(const Outline& o, std::string_view name,
                                        const std::function<bool(std::string_view)>& matches);

}  // namespace clocksim::sim::dot
