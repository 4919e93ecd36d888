#include "sim/scenario/node_names.hpp"

#include "sim/scenario/reader.hpp"
#include "sim/scenario/suggest.hpp"

namespace clocksim::scenario {

std::string default_node_name(NodeId id) { return "n" + std::to_string(id); }

std::optional<std::uint64_t> default_name_index(std::string_view name) {
  if (name.size() < 2 || name.size() > 12 || name[0] != 'n') return std::nullopt;
  if (name[1] == '0' && name.size() > 2) return std::nullopt;
  std::uint64_t v = 0;
  for (std::size_t i = 1; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  return v;
}

NodeNames::NodeNames(const std::vector<NodeSpec>& nodes) : nodes_(&nodes) {
  for (const auto& n : nodes) {
    if (n.name != default_node_name(n.id)) custom_.emplace(n.name, n.id);
  }
}

std::optional<NodeId> NodeNames::find(std::string_view name) const {
  if (auto it = custom_.find(name); it != custom_.end()) return it->second;
  if (auto idx = default_name_index(name); idx && *idx < nodes_->size()) {
    const auto id = static_cast<NodeId>(*idx);
    if ((*nodes_)[id].name == name) return id;
  }
  return std::nullopt;
}

std::string NodeNames::describe_all() const {
  if (nodes_->size() <= 12) {
    std::vector<std::string> names;
    for (const auto& n : *nodes_) names.push_back(n.name);
    return join(names);
  }
  if (custom_.empty()) return "n0 .. n" + std::to_string(nodes_->size() - 1);
  return (*nodes_)[0].name + ", " + (*nodes_)[1].name + ", ... (" + std::to_string(nodes_->size()) + " nodes)";
}

NodeId NodeNames::read(const yaml::Node& node, const std::string& path) const {
  if (!node.is_scalar() || node.text.empty()) {
    fail_at(node, path, "expected a node name such as n0, got " + yaml::describe(node));
  }
  if (auto id = find(node.text)) return *id;
  std::string hint;
  // n<k> beyond the cluster is a count mistake, not a typo: listing the names says enough.
  if (nodes_->size() <= 1000 && !default_name_index(node.text)) {
    std::vector<std::string> names;
    for (const auto& n : *nodes_) names.push_back(n.name);
    hint = did_you_mean(node.text, names);
  }
  fail_at(node, path, "unknown node '" + node.text + "'" + hint + "; nodes are " + describe_all());
}

}  // namespace clocksim::scenario
