#include "sim/scenario/nodes_parse.hpp"

#include <map>

#include "sim/scenario/clocks_parse.hpp"
#include "sim/scenario/distribution_parse.hpp"
#include "sim/scenario/node_names.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"

namespace clocksim::scenario {
namespace {

std::vector<NodeSpec> numbered(std::int64_t count) {
  std::vector<NodeSpec> nodes(static_cast<std::size_t>(count));
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    nodes[i].id = static_cast<NodeId>(i);
    nodes[i].name = default_node_name(nodes[i].id);
  }
  return nodes;
}

// A node entry of the list form may carry a name; the overrides mapping is keyed by name.
std::vector<std::string> override_keys(bool with_name) {
  std::vector<std::string> k = keys::node_entry();
  if (!with_name) k.erase(k.begin());
  return k;
}

// A `servers:` list names nodes that may come later in the file: it is resolved once every name
// is known.
struct PendingServers {
  NodeId node;
  const yaml::Node* list;
  std::string path;
};

void apply_overrides(const yaml::Node& map, const std::string& path, NodeSpec& node, std::vector<PendingServers>& pending) {
  if (auto* v = map.find("can_be_master")) node.can_be_master = read_bool(*v, child_path(path, "can_be_master"));
  ClockOverride clock = node.clock;
  parse_clock_override(map, path, clock);
  node.clock = clock;
  const yaml::Node* servers = map.find("servers");
  const yaml::Node* reference = map.find("reference_clock");
  if (servers || reference) {
    NodeHierarchy h = node.hierarchy ? *node.hierarchy : NodeHierarchy{};
    if (reference) {
      h.reference_error_ns = parse_distribution(*reference, child_path(path, "reference_clock"), Quantity::kDuration);
    }
    node.hierarchy = std::move(h);
    if (servers) {
      const std::string p = child_path(path, "servers");
      if (!servers->is_sequence()) fail_at(*servers, p, "expected a list of node names, e.g. [s1a, s1b], got " + yaml::describe(*servers));
      pending.push_back({node.id, servers, p});
    }
  }
}

void resolve_servers(std::vector<NodeSpec>& nodes, const std::vector<PendingServers>& pending) {
  if (pending.empty()) return;
  const NodeNames names(nodes);
  for (const auto& ps : pending) {
    std::vector<NodeId> ids;
    for (std::size_t i = 0; i < ps.list->items.size(); ++i) {
      const std::string p = child_path(ps.path, i);
      const NodeId id = names.read(ps.list->items[i], p);
      if (id == ps.node) fail_at(ps.list->items[i], p, "a node cannot be its own server");
      for (NodeId seen : ids) {
        if (seen == id) fail_at(ps.list->items[i], p, "server '" + names.name(id) + "' is listed twice");
      }
      ids.push_back(id);
    }
    NodeHierarchy h = *nodes[ps.node].hierarchy;
    h.servers = std::move(ids);
    nodes[ps.node].hierarchy = std::move(h);
  }
}

// Names are referred to in faults and partitions, where "master" and "rest" have meanings.
void check_name(const yaml::Node& node, const std::string& path, const std::string& name, NodeId id) {
  auto bad_char = [](char c) {
    return !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.');
  };
  bool ok = !name.empty() && name.size() <= 64 && !(name[0] >= '0' && name[0] <= '9') && name[0] != '-' && name[0] != '.';
  for (char c : name) ok = ok && !bad_char(c);
  if (!ok) {
    fail_at(node, path, "expected a node name of letters, digits, '_', '-' or '.' (not starting with a digit), got '" + name + "'");
  }
  if (name == "master" || name == "rest" || name == "all") {
    fail_at(node, path, "'" + name + "' is a reserved word in faults and cannot name a node");
  }
  if (auto idx = default_name_index(name); idx && *idx != id) {
    fail_at(node, path, "node " + std::to_string(id) + " cannot be named '" + name + "': names n<k> are reserved for node k");
  }
}

}  // namespace

std::vector<NodeSpec> parse_nodes(const yaml::Node& node, const std::string& path) {
  if (node.is_scalar()) return numbered(read_int(node, path, 1, kMaxNodes));

  if (node.is_map()) {
    check_keys(node, path, keys::nodes_mapping());
    const yaml::Node& count_node = require_key(node, path, "count", "the number of nodes");
    auto nodes = numbered(read_int(count_node, child_path(path, "count"), 1, kMaxNodes));
    if (const auto* ov = node.find("overrides"); ov && !ov->is_null()) {
      const std::string ov_path = child_path(path, "overrides");
      expect_map(*ov, ov_path, "per-node overrides keyed by node name, e.g. {n3: {drift_ppm: 200}}");
      const NodeNames names(nodes);
      std::vector<PendingServers> pending;
      for (const auto& e : ov->entries) {
        const std::string p = child_path(ov_path, e.key);
        yaml::Node key_node;
        key_node.kind = yaml::Node::Kind::kScalar;
        key_node.text = e.key;
        key_node.pos = e.key_pos;
        const NodeId id = names.read(key_node, p);
        expect_map(e.value, p, "the overrides of node " + e.key);
        check_keys(e.value, p, override_keys(false));
        apply_overrides(e.value, p, nodes[id], pending);
      }
      resolve_servers(nodes, pending);
    }
    return nodes;
  }

  if (node.is_sequence()) {
    if (node.items.empty()) fail_at(node, path, "expected at least one node, got an empty list");
    if (static_cast<std::int64_t>(node.items.size()) > kMaxNodes) fail_at(node, path, "too many nodes");
    std::vector<NodeSpec> nodes(node.items.size());
    std::map<std::string, std::string> seen;  // name -> path of its first use
    std::vector<PendingServers> pending;
    for (std::size_t i = 0; i < node.items.size(); ++i) {
      const yaml::Node& item = node.items[i];
      const std::string p = child_path(path, i);
      NodeSpec& spec = nodes[i];
      spec.id = static_cast<NodeId>(i);
      spec.name = default_node_name(spec.id);
      const yaml::Node* name_node = nullptr;
      if (item.is_scalar()) {
        name_node = &item;
      } else if (item.is_map()) {
        check_keys(item, p, override_keys(true));
        name_node = item.find("name");
        apply_overrides(item, p, spec, pending);
      } else {
        fail_at(item, p, "expected a node name or a mapping {name: ..., drift_ppm: ...}, got " + yaml::describe(item));
      }
      if (name_node) {
        const std::string np = item.is_map() ? child_path(p, "name") : p;
        spec.name = read_string(*name_node, np, "a node name");
        check_name(*name_node, np, spec.name, spec.id);
        auto [it, inserted] = seen.emplace(spec.name, np);
        if (!inserted) fail_at(*name_node, np, "node name '" + spec.name + "' is already used by " + it->second);
      }
    }
    resolve_servers(nodes, pending);
    return nodes;
  }

  fail_at(node, path,
          "expected a node count (e.g. 8), a mapping {count: 8, overrides: {...}} or a list of nodes, got " +
              yaml::describe(node));
}

}  // namespace clocksim::scenario
