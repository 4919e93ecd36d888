#include "sim/network/network.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace clocksim::sim {

namespace {

std::uint64_t pair_key(NodeId a, NodeId b) {
  return a < b ? (std::uint64_t{a} << 32) | b : (std::uint64_t{b} << 32) | a;
}

void validate(const scenario::LinkModel& m, const std::string& where) {
  if (!(m.loss >= 0 && m.loss <= 1))
    throw std::invalid_argument(where + ": loss must be in [0, 1]");
  if (!(m.max_abs_asymmetry() <= 1))
    throw std::invalid_argument(where + ": asymmetry must be in [-1, 1]");
}

std::string link_name(NodeId a, NodeId b) {
  return "n" + std::to_string(a) + " -- n" + std::to_string(b);
}

}  // namespace

Network::Network(Topology topology, const scenario::LinksSpec& links, NodeId node_count,
                 std::uint64_t root_seed)
    : topology_(std::move(topology)),
      router_(topology_),
      link_seed_(derive_seed(root_seed, "link")),
      asymmetry_seed_(link_asymmetry_seed(root_seed)),
      mesh_streams_(topology_.is_full_mesh() ? node_count : 0) {
  if (topology_.node_count() != node_count)
    throw TopologyError("topology has " + std::to_string(topology_.node_count()) +
                        " nodes but the scenario has " + std::to_string(node_count));
  validate(links.defaults, "links");
  models_.push_back(links.defaults);
  for (const FileLinkAttributes& attr : topology_.link_attributes) {
    scenario::LinkModel m = links.defaults;
    if (attr.latency_ns) m.latency_ns = *attr.latency_ns;
    if (attr.loss) m.loss = *attr.loss;
    model_of_pair_[pair_key(attr.a, attr.b)] = static_cast<std::uint32_t>(models_.size());
    models_.push_back(m);
  }
  for (const scenario::LinkOverride& o : links.overrides) {
    if (!topology_.adjacent(o.a, o.b))
      throw TopologyError("links.overrides: " + link_name(o.a, o.b) + " is not a link of the topology");
    validate(o.model, "links.overrides " + link_name(o.a, o.b));
    model_of_pair_[pair_key(o.a, o.b)] = static_cast<std::uint32_t>(models_.size());
    models_.push_back(o.model);
  }

  // Bounds over the models actually in use: the defaults only if some link keeps them.
  std::vector<bool> used(models_.size(), false);
  used[0] = model_of_pair_.size() < topology_.edge_count();
  std::size_t distinct = 0;
  for (const auto& entry : model_of_pair_) used[entry.second] = true;  // order-free: sets flags
  min_latency_ = Duration::max();
  max_latency_ = Duration::zero();
  for (std::size_t i = 0; i < models_.size(); ++i) {
    if (!used[i]) continue;
    ++distinct;
    const LatencyRange r = latency_range(models_[i]);
    min_latency_ = std::min(min_latency_, r.lower);
    max_latency_ = std::max(max_latency_, r.upper);
  }
  if (distinct == 0) min_latency_ = Duration::zero();

  if (!topology_.is_full_mesh()) {
    // Eager and cheap (8 bytes and two hashes per directed link); each stream is still a pure
    // function of its link's name.
    streams_.reserve(topology_.directed_link_count());
    for (NodeId u = 0; u < node_count; ++u) {
      const std::uint64_t from_seed = derive_seed(link_seed_, std::uint64_t{u});
      topology_.for_each_neighbor(u, [&](NodeId v) {
        streams_.emplace_back(derive_seed(from_seed, std::uint64_t{v}));
      });
    }
  }
}

const scenario::LinkModel& Network::link_model(NodeId a, NodeId b) const {
  if (model_of_pair_.empty()) return models_[0];
  auto it = model_of_pair_.find(pair_key(a, b));
  return models_[it == model_of_pair_.end() ? 0 : it->second];
}

SmallRng& Network::stream(NodeId from, NodeId to, std::uint64_t link) {
  if (!topology_.is_full_mesh()) return streams_[link];
  return mesh_streams_.find_or_create(from, link, [&] {
    return derive_seed(derive_seed(link_seed_, std::uint64_t{from}), std::uint64_t{to});
  });
}

void Network::prefetch_sender_links(NodeId from, NodeId reply_to) const {
  if (topology_.is_full_mesh()) {
    mesh_streams_.prefetch_sender(from);
    return;
  }
  if (from >= topology_.node_count()) return;
  const Topology::Graph& g = topology_.graph();
  auto [first, last] = boost::out_edges(from, g);
  if (first == last) return;
  __builtin_prefetch(&g.m_forward.m_column[boost::get(boost::edge_index, g, *first)]);
  __builtin_prefetch(&streams_[boost::get(boost::edge_index, g, *first)]);
  if (reply_to != kNoNode && last - first > 1) {
    if (const std::uint64_t link = topology_.directed_link_index(from, reply_to); link != Topology::kNoLink) {
      __builtin_prefetch(&streams_[link]);
    }
  }
}

Delivery Network::drop(Delivery::Drop why) {
  ++counters_.dropped[static_cast<std::size_t>(why)];
  return {false, Duration::zero(), why};
}

Delivery Network::unroutable(NodeId from, NodeId to) {
  if (topology_.component_of(from) != topology_.component_of(to)) return drop(Delivery::Drop::kNoRoute);
  if (router_.any_link_down()) return drop(Delivery::Drop::kLinkDown);
  return drop(Delivery::Drop::kPartition);
}

Delivery Network::transmit(NodeId from, NodeId to, const Message& msg, Time /*now*/) {
  const NodeId n = topology_.node_count();
  if (from >= n || to >= n)
    throw std::invalid_argument("transmit between node " + std::to_string(from) + " and node " +
                                std::to_string(to) + " of " + std::to_string(n));
  ++counters_.sent;
  if (from == to) {
    ++counters_.delivered;
    return {true, Duration::zero(), Delivery::Drop::kNone};
  }
  if (!router_.same_group(from, to)) return drop(Delivery::Drop::kPartition);

  const MessageContext context{from, to, msg.type};
  Duration total = Duration::zero();
  auto hop = [&](NodeId u, NodeId v, std::uint64_t link) {
    const scenario::LinkModel& model = link_model(u, v);
    const HopResult r = traverse_link(model, u, v, context, stream(u, v, link), link_asymmetry(model, u, v, asymmetry_seed_));
    total += r.delay;
    return !r.lost;
  };

  // Fast path: adjacent and the direct link usable. One hop is always a shortest path.
  const std::uint64_t direct = topology_.directed_link_index(from, to);
  if (direct != Topology::kNoLink && router_.usable(from, to)) {
    if (!hop(from, to, direct)) return drop(Delivery::Drop::kLoss);
  } else {
    if (!router_.route(from, to, path_)) return unroutable(from, to);
    for (std::size_t i = 1; i < path_.size(); ++i) {
      const NodeId u = path_[i - 1], v = path_[i];
      if (!hop(u, v, topology_.directed_link_index(u, v))) return drop(Delivery::Drop::kLoss);
    }
  }
  ++counters_.delivered;
  return {true, total, Delivery::Drop::kNone};
}

std::vector<NodeId> Network::route(NodeId from, NodeId to) {
  if (from == to) return {from};
  if (topology_.adjacent(from, to) && router_.usable(from, to)) return {from, to};
  std::vector<NodeId> path;
  router_.route(from, to, path);
  return path;
}

}  // namespace clocksim::sim
