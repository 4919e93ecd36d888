// clocksyncctl: asks running clocksyncd nodes for their status.
//   clocksyncctl status --peer 127.0.0.1:6525 [--peer ...] [--json]
// Exit 0 when every node answered, 1 when one did not, 2 on a usage error.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "daemon/loop/status_client.hpp"

namespace {

using clocksim::daemon::query_status;

std::string master_text(const nlohmann::json& j) { return j.is_null() ? "-" : std::to_string(j.get<std::uint32_t>()); }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"clocksyncctl: query clocksyncd status sockets"};
  app.require_subcommand(1);
  auto* status = app.add_subcommand("status", "print each node's role, master, clock offset and counters");
  std::vector<std::string> peers;
  bool as_json = false;
  int timeout_ms = 1000;
  status->add_option("--peer", peers, "status socket HOST:PORT of a node (repeat)")->required();
  status->add_flag("--json", as_json, "print the raw JSON answers, one per line");
  status->add_option("--timeout-ms", timeout_ms, "wait this long for each answer");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }

  int rc = 0;
  if (!as_json) {
    std::printf("%-22s %5s %-10s %7s %14s %9s %9s %8s %7s\n", "node", "id", "role", "master", "offset_ms", "pkts_in",
                "pkts_out", "dropped", "rounds");
  }
  for (const auto& p : peers) {
    auto r = query_status(p, timeout_ms);
    if (auto* e = std::get_if<std::string>(&r)) {
      if (as_json) {
        std::cout << nlohmann::json{{"peer", p}, {"error", *e}}.dump() << "\n";
      } else {
        std::printf("%-22s %s\n", p.c_str(), e->c_str());
      }
      rc = 1;
      continue;
    }
    const auto& j = std::get<nlohmann::json>(r);
    if (as_json) {
      std::cout << j.dump() << "\n";
      continue;
    }
    try {
      const auto& c = j.at("counters");
      std::printf("%-22s %5u %-10s %7s %14.3f %9llu %9llu %8llu %7llu\n", p.c_str(), j.at("id").get<unsigned>(),
                  j.at("role").get<std::string>().c_str(), master_text(j.at("believed_master")).c_str(),
                  j.at("clock").at("offset_ns").get<double>() * 1e-6,
                  static_cast<unsigned long long>(c.at("packets_in").get<std::uint64_t>()),
                  static_cast<unsigned long long>(c.at("packets_out").get<std::uint64_t>()),
                  static_cast<unsigned long long>(c.at("dropped_total").get<std::uint64_t>()),
                  static_cast<unsigned long long>(j.at("rounds").get<std::uint64_t>()));
    } catch (const nlohmann::json::exception& e) {
      std::printf("%-22s unexpected answer: %s\n", p.c_str(), e.what());
      rc = 1;
    }
  }
  return rc;
}
