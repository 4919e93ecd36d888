#include "sim/scenario/output_parse.hpp"

#include <algorithm>

#include "algorithms/core/duration_parse.hpp"
#include "sim/scenario/keys.hpp"
#include "sim/scenario/reader.hpp"

namespace clocksim::scenario {

OutputSpec parse_output(const yaml::Node* node, const std::string& path, const NodeNames& names, Duration tick) {
  OutputSpec out;
  if (!node || node->is_null()) return out;
  expect_map(*node, path, "the output section");
  check_keys(*node, path, keys::output());
  if (auto* v = node->find("trace")) out.trace = read_bool(*v, child_path(path, "trace"));
  if (auto* v = node->find("skew")) out.skew = read_bool(*v, child_path(path, "skew"));
  if (auto* v = node->find("events")) out.events = read_bool(*v, child_path(path, "events"));
  if (auto* v = node->find("summary")) out.summary = read_bool(*v, child_path(path, "summary"));
  if (auto* v = node->find("messages")) out.messages = read_bool(*v, child_path(path, "messages"));
  if (auto* v = node->find("links")) out.links = read_bool(*v, child_path(path, "links"));
  if (auto* v = node->find("trace_nodes")) {
    const std::string p = child_path(path, "trace_nodes");
    if (!(v->is_scalar() && v->text == "all")) {
      expect_sequence(*v, p, "'all' or a list of node names");
      for (std::size_t i = 0; i < v->items.size(); ++i) {
        const NodeId id = names.read(v->items[i], child_path(p, i));
        if (std::find(out.trace_nodes.begin(), out.trace_nodes.end(), id) != out.trace_nodes.end()) {
          fail_at(v->items[i], child_path(p, i), "node '" + v->items[i].text + "' is listed twice");
        }
        out.trace_nodes.push_back(id);
      }
      if (out.trace_nodes.empty()) fail_at(*v, p, "an empty list traces nothing; set 'trace: false' instead");
    }
  }
  if (auto* v = node->find("trace_every")) {
    const std::string p = child_path(path, "trace_every");
    out.trace_every = read_duration(*v, p, Duration::zero());
    if (tick > Duration::zero() && out.trace_every.ns() % tick.ns() != 0) {
      fail_at(*v, p, "trace_every (" + v->text + ") must be a multiple of tick (" + format_duration(tick) + ")");
    }
  }
  if (auto* v = node->find("compress")) {
    const std::string p = child_path(path, "compress");
    if (!v->is_scalar() || (v->text != "none" && v->text != "gzip")) {
      fail_at(*v, p, "expected 'none' or 'gzip' (gzip writes trace.csv.gz), got '" + v->text + "'");
    }
    out.compress_trace = v->text == "gzip";
  }
  return out;
}

std::optional<OrderingSpec> parse_ordering(const yaml::Node* node, const std::string& path, const NodeNames& names) {
  if (!node || node->is_null()) return std::nullopt;
  expect_map(*node, path, "the ordering probe {servers: [n1, n2], central: n0, requests_per_s: 100}");
  check_keys(*node, path, keys::ordering());
  OrderingSpec o;
  const std::string sp = child_path(path, "servers");
  const yaml::Node& servers = require_key(*node, path, "servers", "the nodes that take requests, e.g. [n1, n2, n3]");
  expect_sequence(servers, sp, "a list of at least two node names");
  for (std::size_t i = 0; i < servers.items.size(); ++i) {
    const NodeId id = names.read(servers.items[i], child_path(sp, i));
    if (std::find(o.servers.begin(), o.servers.end(), id) != o.servers.end()) {
      fail_at(servers.items[i], child_path(sp, i), "node '" + servers.items[i].text + "' is listed twice");
    }
    o.servers.push_back(id);
  }
  if (o.servers.size() < 2) fail_at(servers, sp, "ordering needs at least two servers");
  auto is_server = [&](NodeId id) { return std::find(o.servers.begin(), o.servers.end(), id) != o.servers.end(); };
  if (auto* c = node->find("central")) {
    o.central = names.read(*c, child_path(path, "central"));
    if (is_server(o.central)) {
      fail_at(*c, child_path(path, "central"), "the central server '" + c->text + "' is also listed in servers");
    }
  } else {
    NodeId id = 0;
    while (id < names.size() && is_server(id)) ++id;
    if (id == names.size()) {
      fail_at(servers, sp, "every node is a server: add a node for the central server (or name it in ordering.central)");
    }
    o.central = id;
  }
  if (auto* v = node->find("requests_per_s")) {
    o.requests_per_s = read_number(*v, child_path(path, "requests_per_s"), 1e-6, 1e7);
  }
  return o;
}

}  // namespace clocksim::scenario
