#include "sim/scenario/topology_parse.hpp"

#include <system_error>

#include "sim/scenario/call_syntax.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {
namespace {

using TopologyKind = TopologySpec::Kind;

const std::vector<std::string>& topology_kinds() {
  return keys::topology_kinds();
}

const char* kExpected =
    "a topology: full_mesh, star(hub), ring, line, grid(rows, cols), erdos_renyi(p), barabasi_albert(m) "
    "or {file: net.graphml}";

// An argument value as its own located scalar, so the generic readers can check it.
yaml::Node arg_node(const yaml::Node& at, const std::string& value) {
  yaml::Node n;
  n.kind = yaml::Node::Kind::kScalar;
  n.text = value;
  n.pos = at.pos;
  return n;
}

TopologySpec parse_file_form(const yaml::Node& node, const std::string& path, const std::filesystem::path& base_dir) {
  check_keys(node, path, keys::topology_file());
  const std::string fpath = child_path(path, "file");
  const yaml::Node& f = require_key(node, path, "file", "a GraphML (.graphml) or DOT (.dot, .gv) file");
  const std::string file = read_string(f, fpath, "a file name");
  std::filesystem::path p(file);
  const std::string ext = p.extension().string();
  if (ext != ".graphml" && ext != ".dot" && ext != ".gv") {
    fail_at(f, fpath, "expected a GraphML (.graphml) or DOT (.dot, .gv) file, got '" + file + "'");
  }
  if (p.is_relative()) p = base_dir / p;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) {
    // A directory, a pipe or a device is there but is not a file to read a graph from.
    const bool there = std::filesystem::exists(p, ec);
    fail_at(f, fpath, "topology file '" + file + "' (resolved to '" + p.lexically_normal().string() + "') " +
                          (there ? "is not a regular file" : "does not exist"));
  }
  TopologySpec t;
  t.kind = TopologyKind::kFile;
  t.file = p.lexically_normal().string();
  t.where = location_of(f);
  return t;
}

}  // namespace

TopologySpec parse_topology(const yaml::Node* node, const std::string& path, const NodeNames& names,
                            const std::filesystem::path& base_dir) {
  TopologySpec t;
  if (!node || node->is_null()) return t;
  if (node->is_map()) return parse_file_form(*node, path, base_dir);
  t.where = location_of(*node);
  if (!node->is_scalar()) fail_at(*node, path, std::string("expected ") + kExpected + ", got " + yaml::describe(*node));

  const Call call = parse_call(node->text, *node, path, kExpected);
  const auto n = static_cast<std::int64_t>(names.size());
  auto no_args = [&](TopologyKind k) {
    if (!call.args.empty()) fail_at(*node, path, "topology '" + call.name + "' takes no arguments");
    t.kind = k;
  };
  if (call.name == "full_mesh") {
    no_args(TopologyKind::kFullMesh);
  } else if (call.name == "ring") {
    no_args(TopologyKind::kRing);
    if (n < 3) fail_at(*node, path, "a ring needs at least 3 nodes, the scenario has " + std::to_string(n));
  } else if (call.name == "line") {
    no_args(TopologyKind::kLine);
  } else if (call.name == "star") {
    t.kind = TopologyKind::kStar;
    const auto args = bind_args(call, {"hub"}, 0, *node, path);
    t.hub = args[0] ? names.read(arg_node(*node, *args[0]), path) : 0;
  } else if (call.name == "grid") {
    t.kind = TopologyKind::kGrid;
    const auto args = bind_args(call, {"rows", "cols"}, 2, *node, path);
    t.rows = static_cast<int>(read_int(arg_node(*node, *args[0]), path, 1, 1'000'000));
    t.cols = static_cast<int>(read_int(arg_node(*node, *args[1]), path, 1, 1'000'000));
    if (static_cast<std::int64_t>(t.rows) * t.cols != n) {
      fail_at(*node, path, "grid(" + std::to_string(t.rows) + ", " + std::to_string(t.cols) + ") has " +
                               std::to_string(static_cast<std::int64_t>(t.rows) * t.cols) +
                               " cells but the scenario has " + std::to_string(n) + " nodes; rows * cols must equal the node count");
    }
  } else if (call.name == "erdos_renyi") {
    t.kind = TopologyKind::kErdosRenyi;
    const auto args = bind_args(call, {"p"}, 1, *node, path);
    t.p = read_number(arg_node(*node, *args[0]), path, 0, 1);
    if (t.p <= 0) fail_at(*node, path, "erdos_renyi(p) needs an edge probability p in (0, 1], got " + *args[0]);
  } else if (call.name == "barabasi_albert") {
    t.kind = TopologyKind::kBarabasiAlbert;
    const auto args = bind_args(call, {"m"}, 1, *node, path);
    if (n < 2) fail_at(*node, path, "barabasi_albert needs at least 2 nodes");
    t.m = static_cast<int>(read_int(arg_node(*node, *args[0]), path, 1, n - 1));
  } else {
    fail_at(*node, path, "unknown topology '" + call.name + "'" + did_you_mean(call.name, topology_kinds()) +
                             "; expected one of " + join(topology_kinds()) + ", or {file: net.graphml}");
  }
  return t;
}

}  // namespace clocksim::scenario
