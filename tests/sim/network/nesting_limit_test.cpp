#include "sim/network/nesting_limit.hpp"

#include <gtest/gtest.h>

#include <string>

namespace clocksim::sim {
namespace {

std::string repeated(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

void expect_at(const std::optional<dot::Location>& at, int line, int column) {
  ASSERT_TRUE(at.has_value());
  EXPECT_EQ(at->line, line);
  EXPECT_EQ(at->column, column);
}

TEST(DotNesting, TheBraceOneLevelTooDeepIsFound) {
  EXPECT_FALSE(dot_nesting_beyond("graph { a -- { b c }; subgraph s { subgraph t { d } } }", 3));
  expect_at(dot_nesting_beyond("graph { a -- { b c }; subgraph s { subgraph t { d } } }", 2), 1, 47);
  expect_at(dot_nesting_beyond("graph {\n  {\n    { x }\n  }\n}\n", 2), 3, 5);
  // Closed levels are not counted again: many subgraphs side by side nest one level.
  EXPECT_FALSE(dot_nesting_beyond("graph { " + repeated("{ a } ", 10000) + "}", 2));
}

TEST(DotNesting, BracesTheLexerReadsAsTextDoNotCount) {
  const std::string deep = repeated("{", 50);
  EXPECT_FALSE(dot_nesting_beyond("graph { a [label=\"" + deep + "\"]; }", 3));
  EXPECT_FALSE(dot_nesting_beyond("graph { a [label=<" + deep + "<b>" + deep + "</b>>]; }", 3));
  // Boost's reader reads an HTML string tag by tag, skipping a quoted part of a tag whole: to it
  // `</"x>"<b>` is one closing tag, after which the braces count; to the outline the HTML string
  // ends at `x>` and a string that never closes follows.
  expect_at(dot_nesting_beyond("graph { a [label=</\"x>\"<b>]; {{{ b }}} }", 3), 1, 32);
  EXPECT_FALSE(dot_nesting_beyond("graph { // " + deep + "\n a; }", 3));
  EXPECT_FALSE(dot_nesting_beyond("graph { /* " + deep + "\n */ a; }", 3));
  EXPECT_FALSE(dot_nesting_beyond("# " + deep + "\ngraph { a; }", 3));
  // An escaped quote stays in the string (to both readers); to the outline a backslash before
  // anything else is a character of its own, so the string ends at the next quote and the braces
  // after it count.
  EXPECT_FALSE(dot_nesting_beyond("graph { a [label=\"x\\\"" + deep + "\"]; }", 3));
  expect_at(dot_nesting_beyond("graph { a [label=\"x\\{\"]; {{{ b }}} }", 3), 1, 28);
  // Boost's reader takes any backslash as an escape: to it, "x\\" ends at its last quote (to the
  // outline it never ends), and the braces after it count.
  expect_at(dot_nesting_beyond("graph { a [label=\"x\\\\\"]; {{{ b }}} }", 3), 1, 28);
  // A closing brace in a string does not close a level.
  expect_at(dot_nesting_beyond("graph { {\"}\" {\"}\" {\"}\" b }}} }", 3), 1, 19);
}

// A failed string, HTML string or comment ends the scan where Boost's reader stops, or is found
// without rescanning the rest: from every one of 10^6 '<' or quotes, a rescan to the end of the
// text would take some 10^12 steps.
TEST(DotNesting, TextsTheTokenizerFailsOnAreScannedOnce) {
  for (const std::string piece : {"<", "<!", "\"\\", "/*", "<a \"", "<\"", "{\""}) {
    const std::string text = "graph { " + repeated(piece, 1000000 / static_cast<int>(piece.size())) + " }";
    EXPECT_FALSE(dot_nesting_beyond(text, 1000000)) << piece;
  }
  for (const std::string piece : {"<", "<!", "<a b=\"", "<!--", "<?", "<![CDATA["}) {
    EXPECT_FALSE(xml_nesting_beyond("<g>" + repeated(piece, 1000000 / static_cast<int>(piece.size())), 1000000)) << piece;
  }
}

TEST(XmlNesting, TheElementOneLevelTooDeepIsFound) {
  const std::string graph = "<graphml><graph><node id=\"a\"/><edge source=\"a\" target=\"a\"><data key=\"d\">1</data></edge>";
  EXPECT_FALSE(xml_nesting_beyond(graph + "</graph></graphml>", 4));
  expect_at(xml_nesting_beyond(graph + "</graph></graphml>", 3), 1, 59);
  expect_at(xml_nesting_beyond("<?xml version=\"1.0\"?>\n<a>\n <b>\n  <c/>\n  <c>\n", 2), 5, 3);
  // After a byte order mark, as the parser reads on past one.
  expect_at(xml_nesting_beyond("\xEF\xBB\xBF<a><b><c>", 2), 1, 10);
}

TEST(XmlNesting, MarkupThatIsNotAnElementDoesNotCount) {
  const std::string deep = repeated("<a>", 50);
  EXPECT_FALSE(xml_nesting_beyond("<g><!-- " + deep + " --></g>", 3));
  EXPECT_FALSE(xml_nesting_beyond("<g><![CDATA[" + deep + "]]></g>", 3));
  EXPECT_FALSE(xml_nesting_beyond("<?pi " + deep + "?><g/>", 3));
  EXPECT_FALSE(xml_nesting_beyond("<!DOCTYPE g [<!ENTITY e \"" + deep + "\">]><g/>", 3));
  // A comment or processing instruction ends at a closing after its opening: `<!-->` and `<?>`
  // run on, over what would otherwise nest.
  EXPECT_FALSE(xml_nesting_beyond("<g><!-->" + deep + "--></g>", 3));
  EXPECT_FALSE(xml_nesting_beyond("<g><?>" + deep + "?></g>", 3));
  expect_at(xml_nesting_beyond("<g><?x?><a><b><c>", 3), 1, 15);
  // A declaration other than the DOCTYPE ends at its first '>', brackets or not.
  expect_at(xml_nesting_beyond("<!ELEMENT [><a><b><c>", 2), 1, 19);
  EXPECT_FALSE(xml_nesting_beyond("<g a=\"" + deep + "\" b='/>'></g>", 3));
  EXPECT_FALSE(xml_nesting_beyond("<g>" + repeated("<n id=\"x\"/>", 10000) + "</g>", 1));
}

}  // namespace
}  // namespace clocksim::sim
