#include "sim/network/graphml_outline.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clocksim::sim::graphml {
namespace {

const char* const kFile =
    "<?xml version=\"1.0\"?>\n"
    "<graphml>\n"
    "  <!-- <edge source=\"n0\" target=\"n1\"> in a comment is no edge -->\n"
    "  <key id=\"d0\" for=\"edge\" attr.name=\"latency\" attr.type=\"string\"/>\n"
    "  <key id=\"d1\" for=\"edge\" attr.name=\"loss\" attr.type=\"double\"/>\n"
    "  <graph edgedefault=\"undirected\">\n"
    "    <node id=\"n0\"/><node id='n1'/>\n"
    "    <node id=\"n2\"></node>\n"
    "    <edge source=\"n0\" target=\"n1\"><data key=\"d0\">2ms</data></edge>\n"
    "    <edge target=\"n1\" source=\"n2\">\n"
    "      <data key=\"d1\">0.5</data>\n"
    "      <data key=\"d0\">\n"
    "        5 &lt;parsecs&gt;\n"
    "      </data>\n"
    "    </edge>\n"
    "    <edge source=\"n2\" target=\"n0\"/>\n"
    "  </graph>\n"
    "</graphml>\n";

std::string where(const std::optional<dot::Location>& at) {
  return at ? std::to_string(at->line) + ":" + std::to_string(at->column) : "none";
}

TEST(GraphmlOutline, NodesEdgesAndTheirDataAreFoundWhereWritten) {
  const Outline o = outline(kFile);
  auto edge = [&](const char* a, const char* b, const char* name, const char* value) {
    return where(edge_location(o, a, b, name, [&](std::string_view v) { return v == value; }));
  };
  EXPECT_EQ(edge("n1", "n0", "latency", "2ms"), "9:50");
  EXPECT_EQ(edge("n2", "n1", "latency", "5 <parsecs>"), "13:9");  // entities decoded, blanks dropped
  EXPECT_EQ(edge("n1", "n2", "loss", "0.5"), "11:22");
  EXPECT_EQ(edge("n1", "n2", "loss", "0.7"), "10:5");  // no such value: where the edge is
  EXPECT_EQ(edge("n0", "n2", "latency", "1ms"), "16:5");
  EXPECT_EQ(edge("n0", "n3", "latency", "1ms"), "none");
  EXPECT_EQ(where(node_location(o, "n1")), "7:20");
  EXPECT_EQ(where(node_location(o, "n2")), "8:5");
  EXPECT_EQ(where(node_location(o, "n9")), "none");
}

TEST(GraphmlOutline, BrokenTextEndsTheScanWithoutHarm) {
  // Every prefix of the file: the scan ends, and what it finds lies in the text.
  const std::string text = kFile;
  for (std::size_t cut = 0; cut <= text.size(); ++cut) {
    const Outline o = outline(std::string_view(text).substr(0, cut));
    for (const Element& e : o.elements) {
      ASSERT_GE(e.at.line, 1);
      ASSERT_LE(e.at.line, 18);
    }
  }
  EXPECT_TRUE(outline("<edge source=\"a\" target=\"b\"><data key=\"d0\">&#9999;&#x41;&bogus;&").elements.size() == 1);
}

}  // namespace
}  // namespace clocksim::sim::graphml
