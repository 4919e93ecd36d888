// GraphML and DOT topologies, read with Boost.Graph's own readers.
//
// Node mapping: when every node id in the file is a scenario node name ("n0", "n1", ... or the
// names given in the scenario), nodes map by name; when none is, they map by order of
// appearance (with a warning); a file where only some ids match is an error, since that is
// almost always a typo. The file must have exactly as many nodes as the scenario.
// "Order" is the order in which Boost's readers create vertices: document order of the <node>
// elements for GraphML, but name order for DOT (read_graphviz keeps nodes in a std::map, so
// "r10" comes before "r2"); the warning spells out the first few assignments.
// Optional edge attributes: "latency" (a latency distribution in the scenario syntax: "2ms",
// "uniform(1ms, 5ms)") and "loss" (a probability).
#include <charconv>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/graphml.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>

#include "algorithms/core/number_text.hpp"
#include "config/file.hpp"
#include "sim/network/dot_outline.hpp"
#include "sim/network/graphml_outline.hpp"
#include "sim/network/nesting_limit.hpp"
#include "sim/network/topology.hpp"
#include "sim/scenario/distribution_parse.hpp"
#include "sim/scenario/error.hpp"

namespace clocksim::sim {

namespace {
// The number an attribute's text holds, as Boost's conversion reads it (an optional sign, no
// spaces, the whole text), in any locale: strtod would stop at the '.' where LC_NUMERIC has ','.
std::optional<double> number_in(std::string_view text) {
  const bool plus = text.starts_with('+');
  if (plus) text.remove_prefix(1);
  if (text.empty() || (plus && text.starts_with('-'))) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// "2 edge(s) listed more than once, ...: a -- b, c -- d" (the first few named).
std::string listed(const std::vector<std::string>& items, const std::string& what) {
  constexpr std::size_t kNamed = 5;
  std::string s = std::to_string(items.size()) + " " + what + ": ";
  for (std::size_t i = 0; i < items.size() && i < kNamed; ++i) s += (i ? ", " : "") + items[i];
  if (items.size() > kNamed) s += ", ...";
  return s;
}

struct FileVertex {
  std::string name;
};
struct FileEdge {
  std::string latency;  // a duration with its unit; a GraphML key of type "string"
  // Whether the file gives a loss is kept apart from its value: no double can stand for
  // "absent", since the file may write any of them ("nan" included) and each must be judged.
  bool loss_given = false;
  double loss = 0;
};
using FileGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, FileVertex, FileEdge>;

// The readers' way into FileEdge::loss: a write also records that the file gave a loss.
struct LossMap {
  using key_type = boost::graph_traits<FileGraph>::edge_descriptor;
  using value_type = double;
  using reference = double;
  using category = boost::read_write_property_map_tag;
  FileGraph* graph;
};
double get(const LossMap& m, const LossMap::key_type& e) { return (*m.graph)[e].loss; }
void put(const LossMap& m, const LossMap::key_type& e, double loss) {
  (*m.graph)[e].loss = loss;
  (*m.graph)[e].loss_given = true;
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Far above any topology a run can hold (a 10^6-node GraphML is a few hundred MB), far below
// what a device that never ends would fill.
constexpr std::size_t kMaxTopologyBytes = std::size_t{1} << 30;

std::string read_all(const std::string& path) {
  config::BoundedText file = config::read_bounded(path, kMaxTopologyBytes);
  if (!file.opened) throw TopologyError(path + ": cannot open topology file");
  if (!file.complete) throw TopologyError(path + ": topology file is larger than " + std::to_string(kMaxTopologyBytes) + " bytes");
  return std::move(file.text);
}

// GraphML node ids in document order: the order in which read_graphml creates vertices (it
// adds the <node> elements of the graph first, in order). Boost's reader does not expose ids.
// An edge naming an undeclared node would make the reader add a vertex of its own: named here.
std::vector<std::string> graphml_node_ids(const std::string& text, const std::string& path) {
  namespace pt = boost::property_tree;
  pt::ptree doc;
  std::istringstream in(text);
  pt::read_xml(in, doc);
  std::vector<std::string> ids;
  const pt::ptree& graphml = doc.get_child("graphml");
  for (const auto& [tag, graph] : graphml) {
    if (tag != "graph") continue;
    for (const auto& [node_tag, node] : graph)
      if (node_tag == "node") ids.push_back(node.get<std::string>("<xmlattr>.id"));
    const std::set<std::string> declared(ids.begin(), ids.end());
    for (const auto& [edge_tag, edge] : graph) {
      if (edge_tag != "edge") continue;
      const std::string source = edge.get<std::string>("<xmlattr>.source", "");
      const std::string target = edge.get<std::string>("<xmlattr>.target", "");
      for (const std::string* end : {&source, &target}) {
        if (!declared.contains(*end)) {
          const auto at = graphml::edge_location(graphml::outline(text), source, target, "", [](std::string_view) { return false; });
          throw TopologyError(path + (at ? ":" + std::to_string(at->line) + ":" + std::to_string(at->column) : "") +
                              ": edge " + source + " -- " + target + ": node \"" + *end +
                              "\" is not declared as a <node> of the graph");
        }
      }
    }
    break;  // the first graph, as read_graphml(..., graph_index = 0)
  }
  return ids;
}

// Records the attributes the reader meets but clocksim does not read (a misspelt "lossy" would
// otherwise leave every link lossless without a word).
class IgnoredAttributes {
 public:
  boost::shared_ptr<boost::dynamic_property_map> operator()(const std::string& name, const boost::any& key,
                                                           const boost::any&) {
    if (key.type() == typeid(boost::graph_traits<FileGraph>::edge_descriptor)) names_->insert(name);
    return {};  // no map: the reader drops the value
  }
  const std::set<std::string>& names() const { return *names_; }

 private:
  std::shared_ptr<std::set<std::string>> names_ = std::make_shared<std::set<std::string>>();
};

// `where(id)`: the file, and in a DOT file the line and column where node `id` is first written.
std::vector<NodeId> map_nodes(const std::vector<std::string>& ids, NodeId node_count,
                              std::span<const std::string> names, const std::string& path,
                              const std::function<std::string(const std::string&)>& where,
                              std::vector<std::string>& warnings) {
  std::unordered_map<std::string, NodeId> by_name;
  for (NodeId i = 0; i < node_count; ++i)
    by_name.emplace(i < names.size() ? names[i] : "n" + std::to_string(i), i);
  if (ids.size() != node_count) {
    // Named by the scenario's names but for a few: those few are the likely typos.
    std::vector<std::string> strangers;
    for (const std::string& id : ids) {
      if (!by_name.contains(id)) strangers.push_back(id);
    }
    std::string which;
    if (!strangers.empty() && strangers.size() < ids.size() && strangers.size() <= 3) {
      which = "; not scenario node names:";
      for (const std::string& id : strangers) which += " \"" + id + "\" (" + where(id) + ")";
    }
    throw TopologyError(path + ": the file has " + std::to_string(ids.size()) + " nodes but the scenario has " +
                        std::to_string(node_count) + which);
  }
  std::vector<NodeId> map(ids.size());
  std::size_t matched = 0;
  const std::string* unmatched = nullptr;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto it = by_name.find(ids[i]);
    if (it != by_name.end()) {
      map[i] = it->second;
      ++matched;
    } else if (!unmatched) {
      unmatched = &ids[i];
    }
  }
  if (matched == ids.size()) return map;
  if (matched > 0)
    throw TopologyError(where(*unmatched) + ": node \"" + *unmatched + "\" is not a scenario node name (" +
                        std::to_string(matched) + " of " + std::to_string(ids.size()) +
                        " ids match; use the scenario's names for all nodes or for none)");
  std::string example;
  for (std::size_t i = 0; i < ids.size() && i < 3; ++i)
    example += (i ? ", " : "") + ids[i] + " -> " + std::to_string(i);
  warnings.push_back(path + ": node ids are not scenario node names; mapped by the reader's order (" +
                     example + (ids.size() > 3 ? ", ...)" : ")"));
  for (std::size_t i = 0; i < ids.size(); ++i) map[i] = static_cast<NodeId>(i);
  return map;
}

// Names where an edge's attribute is written: "FILE:LINE:COL: edge a -- b" (the outlines of
// dot_outline.hpp and graphml_outline.hpp find the place; Boost's readers keep none).
using WhereOf = std::function<std::string(std::string_view attribute, const std::function<bool(std::string_view)>& matches)>;

FileLinkAttributes parse_attributes(const FileEdge& e, NodeId a, NodeId b, const WhereOf& where) {
  FileLinkAttributes attr{std::min(a, b), std::max(a, b), std::nullopt, std::nullopt};
  if (!e.latency.empty()) {
    // The scenario's own syntax: "2ms", "uniform(1ms, 5ms)", "1ms + exponential(500us)", ...
    scenario::yaml::Node value;
    value.kind = scenario::yaml::Node::Kind::kScalar;
    value.text = e.latency;
    try {
      attr.latency_ns = scenario::parse_distribution(value, "latency", scenario::Quantity::kLatency);
    } catch (const scenario::ScenarioError& error) {
      throw TopologyError(where("latency", [&](std::string_view v) { return v == e.latency; }) + ": latency \"" +
                          e.latency + "\": " + error.message());
    }
  }
  if (e.loss_given) {
    if (!(e.loss >= 0 && e.loss <= 1)) {
      const auto same = [&](std::string_view v) {
        const auto written = number_in(v);
        return written && (*written == e.loss || (std::isnan(*written) && std::isnan(e.loss)));
      };
      throw TopologyError(where("loss", same) + ": loss " + (std::isnan(e.loss) ? "NaN" : number_text(e.loss)) +
                          " is not a probability in [0, 1]");
    }
    attr.loss = e.loss;
  }
  return attr;
}

// A DOT file Boost's reader refused, located by the outline when it can tell where.
[[noreturn]] void refuse_dot(const std::string& path, const std::string& text, const std::string& boost_says) {
  const dot::Outline o = dot::outline(text);
  if (o.problem_at) {
    throw TopologyError(path + ":" + std::to_string(o.problem_at->line) + ":" + std::to_string(o.problem_at->column) +
                        ": " + o.problem);
  }
  // A loss that is not a number fails Boost's conversion, which names no attribute.
  const auto not_number = [](std::string_view v) { return !number_in(v); };
  if (const auto bad = dot::find_attribute(o, "loss", not_number)) {
    throw TopologyError(path + ":" + std::to_string(bad->at.line) + ":" + std::to_string(bad->at.column) +
                        ": loss \"" + bad->value + "\" is not a number");
  }
  throw TopologyError(path + ": cannot read DOT (expected an undirected graph): " + boost_says);
}

}  // namespace

Topology read_topology_file(const std::string& path, NodeId node_count,
                            std::span<const std::string> node_names) {
  const bool graphml = ends_with(path, ".graphml") || ends_with(path, ".xml");
  const bool dot_file = ends_with(path, ".dot") || ends_with(path, ".gv");
  if (!graphml && !dot_file)
    throw TopologyError(path + ": unknown topology file type (expected .graphml, .dot or .gv)");
  const std::string text = read_all(path);
  // Before any parser descends into it (nesting_limit.hpp).
  const auto refuse_if_deep = [&](std::string_view read) {
    if (const auto deep = graphml ? xml_nesting_beyond(read, kMaxTopologyNesting) : dot_nesting_beyond(read, kMaxTopologyNesting)) {
      throw TopologyError(path + ":" + std::to_string(deep->line) + ":" + std::to_string(deep->column) +
                          ": nested more than " + std::to_string(kMaxTopologyNesting) + (graphml ? " elements" : " braces") +
                          " deep; a topology file needs a few levels");
    }
  };
  refuse_if_deep(text);

  FileGraph g;
  const IgnoredAttributes ignored;
  boost::dynamic_properties dp(ignored);
  dp.property("latency", boost::get(&FileEdge::latency, g));
  dp.property("loss", LossMap{&g});
  std::vector<std::string> ids;
  try {
    if (graphml) {
      ids = graphml_node_ids(text, path);
      std::istringstream in(text);
      boost::read_graphml(in, g, dp);
    } else {
      dp.property("node_id", boost::get(&FileVertex::name, g));
      bool read = false;
      try {
        // Subgraphs without the keyword and HTML strings, which Graphviz reads, in the form Boost reads.
        const std::optional<std::string> dialect = dot::in_boost_dialect(text);
        if (dialect) refuse_if_deep(*dialect);  // what Boost's reader reads instead
        read = boost::read_graphviz(dialect ? *dialect : text, g, dp, "node_id");
      } catch (const TopologyError&) {
        throw;
      } catch (const std::exception& e) {
        refuse_dot(path, text, e.what());
      }
      if (!read) refuse_dot(path, text, "not a valid DOT graph");
      for (auto v : boost::make_iterator_range(boost::vertices(g))) ids.push_back(g[v].name);
    }
  } catch (const TopologyError&) {
    throw;
  } catch (const boost::property_tree::xml_parser_error& e) {
    throw TopologyError(path + ":" + std::to_string(e.line()) + ": not well-formed XML: " + e.message());
  } catch (const boost::bad_any_cast&) {
    throw TopologyError(path + ": edge attribute \"latency\" must be a string with a unit (\"2ms\") "
                               "and \"loss\" a double or a string");
  } catch (const std::exception& e) {
    throw TopologyError(path + ": cannot read " + (graphml ? "GraphML" : "DOT") +
                        " (expected an undirected graph): " + e.what());
  }
  if (ids.size() != boost::num_vertices(g))
    throw TopologyError(path + ": every node must be declared as a <node> of one flat <graph> (" +
                        std::to_string(boost::num_vertices(g)) + " vertices, " +
                        std::to_string(ids.size()) + " declared)");

  std::vector<std::string> warnings;
  // Outlines of the file, read only to locate a problem.
  std::optional<dot::Outline> dot_outline;
  std::optional<graphml::Outline> graphml_outline;
  auto located = [&](const std::optional<dot::Location>& at) {
    return at ? path + ":" + std::to_string(at->line) + ":" + std::to_string(at->column) : path;
  };
  auto node_at = [&](const std::string& id) -> std::optional<dot::Location> {
    if (dot_file) {
      if (!dot_outline) dot_outline = dot::outline(text);
      return dot::node_location(*dot_outline, id);
    }
    if (!graphml_outline) graphml_outline = graphml::outline(text);
    return graphml::node_location(*graphml_outline, id);
  };
  auto edge_at = [&](const std::string& a, const std::string& b, std::string_view attribute,
                     const std::function<bool(std::string_view)>& matches) -> std::optional<dot::Location> {
    if (dot_file) {
      if (!dot_outline) dot_outline = dot::outline(text);
      return dot::edge_location(*dot_outline, a, b, attribute, matches);
    }
    if (!graphml_outline) graphml_outline = graphml::outline(text);
    return graphml::edge_location(*graphml_outline, a, b, attribute, matches);
  };
  const auto where_node = [&](const std::string& id) { return located(node_at(id)); };
  const std::vector<NodeId> map = map_nodes(ids, node_count, node_names, path, where_node, warnings);
  std::vector<std::pair<NodeId, NodeId>> edges;
  std::map<std::pair<NodeId, NodeId>, FileLinkAttributes> attributes;  // ordered: deterministic
  // A loop or a repeated edge is legal in both formats but means nothing here: said, not fatal.
  std::map<std::pair<NodeId, NodeId>, std::size_t> seen;
  std::vector<std::string> loops, repeats;
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    const auto u = boost::source(e, g), v = boost::target(e, g);
    const NodeId a = map[u], b = map[v];
    if (a == b) {
      loops.push_back(ids[u]);
      continue;
    }
    if (++seen[{std::min(a, b), std::max(a, b)}] == 2) repeats.push_back(ids[u] + " -- " + ids[v]);
    edges.emplace_back(a, b);
    const FileEdge& attr = g[e];
    if (attr.latency.empty() && !attr.loss_given) continue;
    // A repeated edge's attributes replace the earlier ones.
    const WhereOf where = [&](std::string_view attribute, const std::function<bool(std::string_view)>& matches) {
      return located(edge_at(ids[u], ids[v], attribute, matches)) + ": edge " + ids[u] + " -- " + ids[v];
    };
    attributes[{std::min(a, b), std::max(a, b)}] = parse_attributes(attr, a, b, where);
  }
  if (!loops.empty()) warnings.push_back(path + ": " + listed(loops, "edge(s) from a node to itself ignored"));
  if (!ignored.names().empty()) {
    const std::vector<std::string> names(ignored.names().begin(), ignored.names().end());
    warnings.push_back(path + ": " + listed(names, "edge attribute(s) ignored (clocksim reads an edge's latency and loss)"));
  }
  if (!repeats.empty()) warnings.push_back(path + ": " + listed(repeats, "edge(s) listed more than once, kept as one link with the last attributes given"));
  Topology t = Topology::from_edges(node_count, std::move(edges));
  for (auto& [key, attr] : attributes) t.link_attributes.push_back(attr);
  t.warnings = std::move(warnings);
  return t;
}

}  // namespace clocksim::sim
