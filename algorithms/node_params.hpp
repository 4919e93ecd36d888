// Parameters that name nodes: a kNodeList, or an int marked ParamSpec::names_node (a leader, a
// primary). Whatever reads a configuration checks that they name nodes that exist: the scenario
// loader (nodes n0 .. n(N-1)) and clocksyncd's config check (the members), both through here.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "algorithms/registration.hpp"

namespace clocksim::algorithms {

struct ForeignNodeParam {
  std::string param;  // the parameter's name
  NodeId id;          // the first id it names that does not exist
};

// The first parameter of `params` (declared by `info`, in declaration order) naming a node for
// which `exists` is false, with that id; nullopt when every named node exists. A negative
// names_node int means "none" and names nothing.
std::optional<ForeignNodeParam> foreign_node_param(const AlgorithmInfo& info, const ParamSet& params,
                                                   const std::function<bool(NodeId)>& exists);

}  // namespace clocksim::algorithms
