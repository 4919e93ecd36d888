// Resolving node names ("n3", "alpha") to ids, with helpful errors. Default names n<id> are
// resolved arithmetically so that a million-node cluster needs no name table.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/scenario/spec.hpp"
#include "sim/scenario/yaml_tree.hpp"

namespace clocksim::scenario {

class NodeNames {
 public:
  explicit NodeNames(const std::vector<NodeSpec>& nodes);

  std::size_t size() const { return nodes_->size(); }
  std::optional<NodeId> find(std::string_view name) const;
  const std::string& name(NodeId id) const { return (*nodes_)[id].name; }
  // Reads a node name at `node`; unknown names are an error listing (some of) the valid ones.
  NodeId read(const yaml::Node& node, const std::string& path) const;
  // "n0, n1, n2" or "n0 .. n999" for messages.
  std::string describe_all() const;

 private:
  const std::vector<NodeSpec>* nodes_;
  std::map<std::string, NodeId, std::less<>> custom_;  // names other than the default n<id>
};

// The default name of node `id`.
std::string default_node_name(NodeId id);
// If `name` is "n<digits>" (no leading zeros), those digits.
std::optional<std::uint64_t> default_name_index(std::string_view name);

}  // namespace clocksim::scenario
