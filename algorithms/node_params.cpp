#include "algorithms/node_params.hpp"

namespace clocksim::algorithms {

std::optional<ForeignNodeParam> foreign_node_param(const AlgorithmInfo& info, const ParamSet& params,
                                                   const std::function<bool(NodeId)>& exists) {
  for (const ParamSpec& p : info.params) {
    std::vector<NodeId> ids;
    if (p.type == ParamType::kNodeList) {
      ids = params.get_node_list(p.name);
    } else if (p.type == ParamType::kInt && p.names_node && params.get_int(p.name) >= 0) {
      ids.push_back(static_cast<NodeId>(params.get_int(p.name)));
    }
    for (NodeId id : ids) {
      if (!exists(id)) return ForeignNodeParam{p.name, id};
    }
  }
  return std::nullopt;
}

}  // namespace clocksim::algorithms
