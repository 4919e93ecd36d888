#include "sim/network/dot_outline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphviz.hpp>
#include <iterator>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/core/rng.hpp"

namespace clocksim::sim::dot {
namespace {

std::string problem_of(const std::string& text) {
  const Outline o = outline(text);
  if (!o.problem_at) return "none";
  return std::to_string(o.problem_at->line) + ":" + std::to_string(o.problem_at->column) + ": " + o.problem;
}

TEST(DotOutline, SyntaxErrorsAreLocated) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"graph g {\n  n0 -- n1 [latency=\"2ms\"];\n  n1 -- n2 [latency=\"5ms\" ;\n}\n",
       "4:1: expected an attribute name or ']', got '}'"},
      {"graph g {\n  n0 -> n1;\n}\n", "2:6: an undirected graph joins nodes with '--', got '->'"},
      {"digraph g {\n  n0 -- n1;\n}\n", "2:6: a directed graph joins nodes with '->', got '--'"},
      {"graph {\n  a -- b [latency=\"2ms];\n}\n", "2:19: a quoted string is never closed"},
      {"graph {\n  /* a -- b\n}\n", "2:3: a /* comment is never closed"},
      {"graph { a -- <b\n}\n", "1:14: an HTML string <...> is never closed"},
      {"graph {\n  a -- b @\n}\n", "2:10: unexpected character '@'"},
      {"graph {\n  a -- b;\n", "3:1: expected '}' or a statement, got the end of the file"},
      {"graph { a -- b } c", "1:18: expected the end of the file after the graph's '}', got 'c'"},
      {"grpah { a -- b }", "1:1: expected 'graph' or 'digraph', got 'grpah'"},
      {"graph { a -- b [latency 5 =] }", "1:28: expected a value for attribute '5', got ']'"},
      {"graph { a -- b;; }", "1:16: expected a node name, a subgraph or a statement, got ';'"},
      {"graph { a -- { b ; }", "1:21: expected '}' or a statement, got the end of the file"},
      {"graph { a [label=<x\\>]; a -- b }", "1:20: a backslash before a quote, a line end or the closing '>' of an HTML "
                                              "string <...> cannot be read here: write the value in double quotes"},
      {"graph { a [label=<x\\\"y>] }", "1:20: a backslash before a quote, a line end or the closing '>' of an HTML "
                                          "string <...> cannot be read here: write the value in double quotes"},
      {"graph { <a> [x=1]; a -- ; }", "1:25: expected a node name, a subgraph or a statement, got ';'"},
      {"graph { a -- ; }", "1:14: expected a node name, a subgraph or a statement, got ';'"},
      {"graph { node; }", "1:13: expected '[' after 'node', got ';'"},
      {"graph { a -- b [loss=] }", "1:22: expected a value for attribute 'loss', got ']'"},
      {"graph { a -- b [loss=-] }", "1:23: expected a number after '-'"},
  };
  for (const auto& [text, says] : cases) EXPECT_EQ(problem_of(text), says) << text;
}

TEST(DotOutline, TheGrammarOfGraphvizIsAccepted) {
  const std::vector<std::string> valid = {
      "graph {}",
      "strict GRAPH \"my graph\" { }",
      "# 1 \"net.dot\" (a preprocessor's line)\ngraph g {\n  // a comment\n  /* another\n     one */\n  a -- b;\n}\n",
      "graph { \"n \\\"0\\\"\" -- n1 [latency = \"2\" + \"ms\"] }",
      "graph { a:p1:n -- b:sw; c:e -- d }",
      "graph { a -- subgraph {b c} -- d; subgraph s { e -- f } -- g; subgraph { h } }",
      "graph { graph [rankdir=LR]; node [shape=box, color=red]; edge [latency=\"1ms\"; loss=0.5] rankdir = LR; a }",
      "graph { a -- b [loss=.5][latency=\"1ms\",] c -- d [weight=-1.5] e -- f [w=10.] g -- h [dashed, w] }",
      "digraph { a -> b -> c }",
      "graph { a -- b\n c -- d; }",
      "graph { a -- { b c } -- d; {rank=same; e f} { } }",
      "graph { a [label=<<b>x</b> &amp; \"q\">]; <c> -- d [latency=<1ms>] }",
      "graph { a [label=<x\\y>]; b [label=<<i>\\</i>>] }",
  };
  for (const std::string& text : valid) EXPECT_EQ(problem_of(text), "none") << text;
}

TEST(DotOutline, EdgesAreFoundWhereTheirAttributeIsWritten) {
  const std::string text =
      "graph g {\n"
      "  edge [loss=0.2];\n"
      "  n0 -- n1 [latency=\"1ms\"];\n"
      "  n2 -- n1 -- n3 [latency=\"3ms\"];\n"
      "  n0 -- n1 [latency=\"5 parsecs\"];\n"
      "  n3 -- n4;\n"
      "  n5 -- subgraph {n6 n7};\n"
      "}\n";
  const Outline o = outline(text);
  ASSERT_FALSE(o.problem_at) << o.problem;
  auto at = [&](std::string_view a, std::string_view b, std::string_view name, std::string_view value) {
    const auto l = edge_location(o, a, b, name, [&](std::string_view v) { return v == value; });
    return l ? std::to_string(l->line) + ":" + std::to_string(l->column) : std::string("none");
  };
  // A repeated edge: the statement that writes the value, not the first one.
  EXPECT_EQ(at("n1", "n0", "latency", "5 parsecs"), "5:21");
  EXPECT_EQ(at("n0", "n1", "latency", "1ms"), "3:21");
  // A chain: each pair it joins; either direction.
  EXPECT_EQ(at("n3", "n1", "latency", "3ms"), "4:27");
  EXPECT_EQ(at("n1", "n2", "latency", "3ms"), "4:27");
  // A value from the edge defaults.
  EXPECT_EQ(at("n3", "n4", "loss", "0.2"), "2:14");
  // No statement writes it: where the edge is.
  EXPECT_EQ(at("n3", "n4", "latency", "9ms"), "6:3");
  // Joined through a subgraph: where the edge to it is written.
  EXPECT_EQ(at("n5", "n6", "latency", "1ms"), "7:3");
  EXPECT_EQ(at("n7", "n5", "latency", "1ms"), "7:3");
  EXPECT_EQ(at("n6", "n7", "latency", "1ms"), "none");  // in the same subgraph, not joined
  // Not joined at all: unknown.
  EXPECT_EQ(at("n0", "n4", "latency", "1ms"), "none");
  // Subgraphs without the keyword, nested, and named then written again: every node inside.
  const Outline sub = outline(
      "graph {\n  a -- {b {c}} [latency=\"x\"]\n  subgraph s {d e}\n  f -- subgraph s -- {g}\n  {h} -- i\n}\n");
  ASSERT_FALSE(sub.problem_at) << sub.problem;
  auto sub_at = [&](std::string_view a, std::string_view b, std::string_view value) {
    const auto l = edge_location(sub, a, b, "latency", [&](std::string_view v) { return v == value; });
    return l ? std::to_string(l->line) + ":" + std::to_string(l->column) : std::string("none");
  };
  EXPECT_EQ(sub_at("a", "c", "x"), "2:25");
  EXPECT_EQ(sub_at("b", "a", "x"), "2:25");
  EXPECT_EQ(sub_at("f", "e", "y"), "4:3");
  EXPECT_EQ(sub_at("g", "d", "y"), "4:8");
  EXPECT_EQ(sub_at("i", "h", "y"), "5:3");
  EXPECT_EQ(sub_at("f", "g", "y"), "none");
  const auto loss = find_attribute(o, "loss", [](std::string_view v) { return v == "0.2"; });
  ASSERT_TRUE(loss);
  EXPECT_EQ(loss->at.line, 2);
  EXPECT_FALSE(find_attribute(o, "loss", [](std::string_view v) { return v == "x"; }));
  ASSERT_TRUE(node_location(o, "n3"));
  EXPECT_EQ(node_location(o, "n3")->line, 4);
  EXPECT_EQ(node_location(o, "n3")->column, 15);
  EXPECT_FALSE(node_location(o, "n9"));
}

// Random graphs written twice: as Graphviz users write them (subgraphs without the keyword,
// HTML strings, tokens run together where the grammar allows) and as Boost's reader wants them
// (the keyword, every id quoted, spaced). Boost must read the same graph from the first through
// in_boost_dialect() as from the second: names with quotes, spaces and tags, nested subgraphs,
// attributes on edges to subgraphs.
class TwoWriters {
 public:
  explicit TwoWriters(std::uint64_t seed) : rng_(derive_seed(seed, "dot_dialect_graphs")) {}

  std::pair<std::string, std::string> graph() {
    graphviz_ = "graph g {";
    boost_ = "graph g {";
    statements(0);
    graphviz_ += "}";
    boost_ += "}";
    return {graphviz_, boost_};
  }

 private:
  std::uint64_t pick(std::uint64_t n) { return rng_() % n; }
  // Between two tokens: nothing where neither is a bare name (they cannot run together), else a
  // blank of some kind.
  void gap(bool bare_before, bool bare_after) {
    static const char* blanks[] = {" ", "\n", "\t ", " /* c */ "};
    if (!(bare_before && bare_after) && pick(2) == 0) return;
    graphviz_ += blanks[pick(std::size(blanks))];
  }
  void both(const std::string& graphviz, const std::string& boost, bool bare = false) {
    gap(last_bare_, bare);
    graphviz_ += graphviz;
    boost_ += " " + boost + " ";
    last_bare_ = bare;
  }
  void name() {
    static const char* names[] = {"n0", "n1", "n2", "n3", "a b", "q\"t\"", "<i>x</i>", "p<b>q</b>r", "&amp;"};
    const std::string n = names[pick(std::size(names))];
    std::string quoted;
    for (char c : n) quoted += c == '"' ? std::string("\\\"") : std::string(1, c);
    const bool plain = n.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789") == std::string::npos;
    if (plain && pick(2) == 0) both(n, "\"" + quoted + "\"", true);
    else if (pick(3) != 0) both("<" + n + ">", "\"" + quoted + "\"");
    else both("\"" + quoted + "\"", "\"" + quoted + "\"");
  }
  // Whether it was a subgraph.
  bool operand(int depth) {
    if (depth < 3 && pick(3) == 0) {
      if (pick(4) == 0) both("subgraph", "", true);  // the keyword written: nothing to rewrite
      both("{", "subgraph {");
      statements(depth + 1);
      both("}", "}");
      return true;
    }
    name();
    return false;
  }
  void attributes() {
    if (pick(2) == 0) return;
    const std::string ms = std::to_string(1 + pick(9)) + "ms";
    both("[", "[");
    both("latency", "latency", true);
    both("=", "=");
    if (pick(2) == 0) both("<" + ms + ">", "\"" + ms + "\"");
    else both("\"" + ms + "\"", "\"" + ms + "\"");
    both("]", "]");
  }
  void statements(int depth) {
    for (std::uint64_t k = 1 + pick(3); k > 0; --k) {
      const bool subgraph = operand(depth);
      const std::uint64_t edges = pick(3);
      for (std::uint64_t e = edges; e > 0; --e) {
        both("--", "--");
        operand(depth);
      }
      if (edges > 0 || !subgraph) attributes();  // a subgraph statement takes none
      if (pick(2) == 0) both(";", ";");
    }
  }

  Rng rng_;
  std::string graphviz_, boost_;
  bool last_bare_ = false;
};

TEST(DotOutline, GraphvizFormsReadAsTheirBoostSpelling) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                      boost::property<boost::vertex_name_t, std::string>,
                                      boost::property<boost::edge_name_t, std::string>>;
  auto read = [](const std::string& text, std::vector<std::string>& nodes, std::vector<std::string>& edges) {
    Graph g;
    boost::dynamic_properties dp(boost::ignore_other_properties);
    dp.property("node_id", boost::get(boost::vertex_name, g));
    dp.property("latency", boost::get(boost::edge_name, g));
    try {
      if (!boost::read_graphviz(text, g, dp, "node_id")) return false;
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what();
      return false;
    }
    for (auto v : boost::make_iterator_range(boost::vertices(g))) nodes.push_back(get(boost::vertex_name, g, v));
    for (auto e : boost::make_iterator_range(boost::edges(g))) {
      std::string a = get(boost::vertex_name, g, boost::source(e, g)), b = get(boost::vertex_name, g, boost::target(e, g));
      if (b < a) std::swap(a, b);
      edges.push_back(a + " -- " + b + " " + get(boost::edge_name, g, e));
    }
    std::sort(nodes.begin(), nodes.end());
    std::sort(edges.begin(), edges.end());
    return true;
  };
  TwoWriters writers(1);
  int rewritten = 0;
  for (int k = 0; k < 1000; ++k) {
    const auto [graphviz, boost_form] = writers.graph();
    const std::optional<std::string> dialect = in_boost_dialect(graphviz);
    rewritten += dialect.has_value();
    std::vector<std::string> nodes_a, edges_a, nodes_b, edges_b;
    ASSERT_TRUE(read(boost_form, nodes_b, edges_b)) << boost_form;
    ASSERT_TRUE(read(dialect ? *dialect : graphviz, nodes_a, edges_a))
        << graphviz << "\nrewritten:\n" << dialect.value_or("(not rewritten)") << "\n" << outline(graphviz).problem;
    ASSERT_EQ(nodes_a, nodes_b) << graphviz << "\n" << boost_form;
    ASSERT_EQ(edges_a, edges_b) << graphviz << "\n" << boost_form;
  }
  EXPECT_GT(rewritten, 750);
}

// Graphviz's subgraphs without the keyword and HTML strings, in the form Boost's reader takes,
// read by Boost as Graphviz reads the original.
TEST(DotOutline, GraphvizFormsBoostRefusesAreRewrittenForIt) {
  EXPECT_EQ(in_boost_dialect("graph { a -- b }"), std::nullopt);
  EXPECT_EQ(in_boost_dialect("graph { a -- subgraph { b } }"), std::nullopt);
  EXPECT_EQ(in_boost_dialect("graph { a -- { b "), std::nullopt);  // broken: Boost refuses it, the outline says where
  EXPECT_EQ(in_boost_dialect("graph { hub -- {a b}; {rank=same; a b} }"),
            "graph { hub --  subgraph {a b};  subgraph {rank=same; a b} }");
  EXPECT_EQ(in_boost_dialect("graph { a [label=<<b>\"x\"</b>>] {<c>} }"),
            "graph { a [label= \"<b>\\\"x\\\"</b>\" ]  subgraph { \"c\" } }");
  // A '<' or '{' in a quoted string is not one.
  EXPECT_EQ(in_boost_dialect("graph { a [label=\"{<\"] }"), std::nullopt);

  auto read = [](const std::string& text) {
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, boost::property<boost::vertex_name_t, std::string>,
                          boost::property<boost::edge_name_t, std::string>>
        g;
    boost::dynamic_properties dp(boost::ignore_other_properties);
    dp.property("node_id", boost::get(boost::vertex_name, g));
    dp.property("latency", boost::get(boost::edge_name, g));
    const auto dialect = in_boost_dialect(text);
    EXPECT_TRUE(boost::read_graphviz(dialect ? *dialect : text, g, dp, "node_id")) << text;
    std::vector<std::string> edges;
    for (auto e : boost::make_iterator_range(boost::edges(g))) {
      std::string a = get(boost::vertex_name, g, boost::source(e, g)), b = get(boost::vertex_name, g, boost::target(e, g));
      if (b < a) std::swap(a, b);
      edges.push_back(a + "-" + b + (get(boost::edge_name, g, e).empty() ? "" : " " + get(boost::edge_name, g, e)));
    }
    std::sort(edges.begin(), edges.end());
    return edges;
  };
  // Nothing runs into its neighbour: `a{b}` is node a, then a subgraph; `"a"<b>` two nodes.
  EXPECT_EQ(read("graph { a{b} -- c; \"d\"<e> -- f }"), (std::vector<std::string>{"b-c", "e-f"}));
  // An edge to a subgraph joins every node in it, as Graphviz draws it.
  EXPECT_EQ(read("graph { hub -- {a b} [latency=\"2ms\"]; {rank=same; c -- d} }"),
            (std::vector<std::string>{"a-hub 2ms", "b-hub 2ms", "c-d"}));
  // An HTML string is an id like any other: a node's name, an attribute's value.
  EXPECT_EQ(read("graph { <n\"1\"> -- n2 [latency=<3ms>] }"), (std::vector<std::string>{"n\"1\"-n2 3ms"}));
}

}  // namespace
}  // namespace clocksim::sim::dot

namespace clocksim::sim::dot {
namespace {

// The outline never says a file Boost reads is wrong (it only locates Boost's refusals), never
// fails to end, and every location it gives lies in the text: checked on mutations of a file that
// uses most of the grammar, compared with Boost's own reader.
TEST(DotOutline, AgreesWithBoostOnMutatedFiles) {
  const std::string base =
      "strict graph \"g\" {\n  // a comment\n  graph [rankdir=LR]; node [shape=box]\n  edge [loss=0.25, latency=\"1ms\"];\n"
      "  n0 -- n1 [latency=\"2\" + \"ms\", loss=.5];\n  n1:p -- n2:q:n -- n3 [w]\n  /* block */ n3 -- subgraph s { n4 n5 } -- n6;\n"
      "# 1 \"cpp line\"\n  x = y; n7 [label=\"a \\\"q\\\"\"]\n}\n";
  const std::string pieces[] = {"{", "}", "[", "]", ";", ",", "=", ":", "\"", "--", "->", "/*", "*/", "//", "#", "\n",
                                " ", "+", ".", "-", "n9", "graph", "edge", "node", "subgraph", "strict", "<", ">"};
  Rng rng(derive_seed(1, "dot_outline_mutations"));
  int boost_read = 0, both_refused_located = 0;
  for (int k = 0; k < 3000; ++k) {
    std::string text = base;
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
      const std::size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0: text.insert(at, pieces[rng() % std::size(pieces)]); break;
        case 1: text.erase(at, 1 + rng() % 6); break;
        default: text.resize(at); break;
      }
    }
    const Outline o = outline(text);
    if (o.problem_at) {
      const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
      ASSERT_GE(o.problem_at->line, 1) << text;
      ASSERT_LE(o.problem_at->line, lines) << text;
      ASSERT_GE(o.problem_at->column, 1) << text;
    }
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS> g;
    boost::dynamic_properties dp(boost::ignore_other_properties);
    bool read = false;
    try {
      const auto dialect = in_boost_dialect(text);
      read = boost::read_graphviz(dialect ? *dialect : text, g, dp);
    } catch (const std::exception&) {
    }
    if (read) {
      ++boost_read;
      EXPECT_FALSE(o.problem_at) << "Boost reads this, the outline refuses it at " << o.problem_at->line << ":"
                                 << o.problem_at->column << " (" << o.problem << "):\n" << text;
    } else if (o.problem_at) {
      ++both_refused_located;
    }
  }
  // The mutations reach both sides: files Boost reads, and refusals the outline locates.
  EXPECT_GT(boost_read, 100);
  EXPECT_GT(both_refused_located, 1000);
}

}  // namespace
}  // namespace clocksim::sim::dot
