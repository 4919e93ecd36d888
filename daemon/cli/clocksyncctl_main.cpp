// clocksyncctl: asks running clocksyncd nodes for their status, and makes their keys.
//   clocksyncctl status --peer /run/clocksyncd/control.sock [--peer 127.0.0.1:6525 ...] [--json]
//   clocksyncctl keygen --ids 1,2,3 --out-dir /etc/clocksyncd      (node1.keys, ... mode 0600)
//   clocksyncctl keygen --out cluster.key                          (one cluster-wide key)
//   clocksyncctl keygen --ids 1,2,3 --out-dir /etc/clocksyncd --rotate     (add a new key id, accepted only; reload)
//   clocksyncctl keygen --ids 1,2,3 --out-dir /etc/clocksyncd --activate   (sign with it; reload)
//   clocksyncctl keygen --ids 1,2,3 --out-dir /etc/clocksyncd --retire     (drop the old ids; reload)
// Exit 0 when every node answered, 1 when one did not, 2 on a usage error.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <vector>

#include "config/command_line.hpp"
#include "config/standard_streams.hpp"
#include "daemon/cli/key_folder.hpp"
#include "daemon/cli/key_rotation_command.hpp"
#include "daemon/config/daemon_config.hpp"
#include "daemon/loop/status_client.hpp"
#include "daemon/version/code_identity.hpp"
#include "node/loop/json_text.hpp"
#include "node/wire/key_file.hpp"

namespace {

using clocksim::daemon::query_status;

// Text from an answer as the table prints it: control characters (C0, DEL, C1 in UTF-8) as \xNN.
// An answer can come over UDP from anyone who can forge one: its text must not drive the
// operator's terminal (clear the screen, rewrite the lines above).
std::string printable(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool c1 = c == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(text[i + 1]) <= 0x9F;
    if (c < 0x20 || c == 0x7F || c1) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c1 ? static_cast<unsigned char>(text[++i]) : c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// nlohmann's message without its "[json.exception.type_error.302] " prefix: what is wrong with the
// answer, for an operator rather than a programmer.
std::string answer_problem(const nlohmann::json::exception& e) {
  const std::string what = e.what();
  const std::size_t end = what.find("] ");
  return what.rfind("[json.exception.", 0) == 0 && end != std::string::npos ? what.substr(end + 2) : what;
}

// "0.1.0 (code e683d4b453c5dbe4)" from an answer's `build`; a daemon that reports none (before
// builds were reported) or a malformed one is "unknown".
std::string build_text(const nlohmann::json& answer) {
  const auto build = answer.find("build");
  if (build == answer.end() || !build->is_object()) return "unknown";
  const auto release = build->find("release");
  const auto code = build->find("code");
  if (release == build->end() || code == build->end() || !release->is_string() || !code->is_string()) return "unknown";
  return printable(release->get<std::string>()) + " (code " + printable(code->get<std::string>()) + ")";
}

std::string master_text(const nlohmann::json& j) { return j.is_null() ? "-" : std::to_string(j.get<std::uint32_t>()); }

// The key ids a node signs with over all its peers, and in brackets those it accepts when they are
// more (a rotation under way): "1", "1 [1,2]" after --rotate, "2 [1,2]" after --activate.
std::string keys_text(const nlohmann::json& keys) {
  if (keys.is_null()) return "insecure";
  std::set<std::uint32_t> signing, accepted;
  for (const auto& [peer, id] : keys.at("signing_key_ids").items()) {
    if (!id.is_null()) signing.insert(id.get<std::uint32_t>());
  }
  for (const auto& [peer, ids] : keys.at("accepted_key_ids").items()) {
    for (const auto& id : ids) accepted.insert(id.get<std::uint32_t>());
  }
  auto joined = [](const std::set<std::uint32_t>& ids) {
    std::string t;
    for (std::uint32_t id : ids) t += (t.empty() ? "" : ",") + std::to_string(id);
    return t.empty() ? std::string("-") : t;
  };
  return accepted == signing ? joined(signing) : joined(signing) + " [" + joined(accepted) + "]";
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"clocksyncctl: query clocksyncd status sockets"};
  app.set_version_flag("--version", std::string("clocksyncctl ") + clocksim::daemon::release_version() + " (code " +
                                        clocksim::daemon::code_identity() + ")");
  app.require_subcommand(1);
  auto* status = app.add_subcommand("status", "print each node's role, master, clock offset and counters");
  std::vector<std::string> peers;
  bool as_json = false;
  int timeout_ms = 1000;
  status->add_option("--peer", peers, "a node's control socket: a path (Unix socket: with a '/', without a ':', or an existing socket file) or HOST:PORT (UDP) (repeat)")->required();
  status->add_flag("--json", as_json, "print the raw JSON answers, one per line");
  status->add_option("--timeout-ms", timeout_ms, "wait this long for each answer")->check(CLI::Range(1, 3'600'000));
  auto* keygen = app.add_subcommand("keygen", "write key files (mode 0600): pair keys for --ids, or one cluster key; --rotate, --activate and --retire change existing ones");
  std::vector<std::string> id_texts;  // as the daemon reads ids: 7 or n7
  std::string out_dir, out_file;
  std::uint32_t key_id = 1;
  bool force = false;
  // Split here rather than by CLI11, which passes over an empty item ("1,,2") without a word.
  keygen->add_option("--ids", id_texts, "member ids: one keyring per member, a key per pair (e.g. 1,2,3)");
  keygen->add_option("--out-dir", out_dir,
                     "directory for node<ID>.keys (with --ids); created if missing (mode 0700, with its parents)");
  keygen->add_option("--key-id", key_id, "key id of the new pair keys (raise it to rotate)");
  keygen->add_option("--out", out_file, "write one cluster-wide key here (any member can then speak for any other)");
  keygen->add_flag("--force", force, "overwrite existing files");
  bool rotate = false, activate = false, retire = false;
  auto* o_rotate = keygen->add_flag("--rotate", rotate,
                                    "rotation, step 1 of 3: add pair keys with a new key id (one above the highest, or "
                                    "--key-id), accept-only, to the existing files in --out-dir; then reload each node "
                                    "(SIGHUP): it accepts the new id and still signs with the old one");
  auto* o_activate = keygen->add_flag("--activate", activate,
                                      "step 2, once every node has reloaded after --rotate: sign with the new key id; "
                                      "then reload each node again");
  auto* o_retire = keygen->add_flag("--retire", retire,
                                    "step 3, once every node has reloaded after --activate: keep only the newest key "
                                    "id; then reload each node again, after which an old key opens nothing");
  o_rotate->excludes(o_activate)->excludes(o_retire);
  o_activate->excludes(o_retire);
  if (const auto done = clocksim::config::parse_command_line(app, argc, argv, "clocksyncctl")) return *done;

  if (keygen->parsed()) {
    std::vector<std::string> items;
    for (const std::string& list : id_texts) {
      for (std::size_t start = 0;;) {
        const std::size_t comma = list.find(',', start);
        items.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
    }
    std::vector<clocksim::NodeId> ids;
    for (const std::string& text : items) {
      if (text.empty()) {
        std::cerr << "clocksyncctl keygen: --ids: '' is not a node id: an empty item in the list (two commas, or one "
                     "at an end); give ids such as 1,2,3\n";
        return 2;
      }
      const auto id = clocksim::daemon::parse_node_id(text);
      if (!id) {
        std::cerr << "clocksyncctl keygen: --ids: '" << text << "' is not a node id (a number such as 7, or n7)\n";
        return 2;
      }
      if (auto e = clocksim::daemon::reserved_id_problem(*id)) {
        std::cerr << "clocksyncctl keygen: --ids: " << *e << "\n";
        return 2;
      }
      ids.push_back(*id);
    }
    if (ids.empty() && out_file.empty() && (rotate || activate || retire)) {
      // A rotation step changes every member's file, so it must be told every member.
      std::cerr << "clocksyncctl keygen: " << (rotate ? "--rotate" : activate ? "--activate" : "--retire")
                << " needs --ids, every member's id, and --out-dir, the folder of their key files\n";
      return 2;
    }
    if (ids.empty() == out_file.empty()) {
      std::cerr << "clocksyncctl keygen: give either --ids (with --out-dir) or --out\n";
      return 2;
    }
    if (!out_file.empty()) {
      const std::string folder = std::filesystem::path(out_file).parent_path().string();
      if (auto e = clocksim::daemon::key_folder_problem(folder.empty() ? "." : folder, {out_file},
                                                          clocksim::daemon::KeyFileLinks::kRefused)) {
        std::cerr << "clocksyncctl keygen: --out " << out_file << ": " << *e << "\n";
        return 2;
      }
      const std::string text = "# clocksyncd cluster key (keep secret: mode 0600)\n" +
                               clocksim::node::wire::random_key_hex(32) + "\n";
      if (auto e = clocksim::node::wire::write_secret_file(out_file, text, force)) {
        std::cerr << "clocksyncctl keygen: " << *e << "\n";
        return 1;
      }
      std::cout << out_file << "\n";
      return 0;
    }
    if (out_dir.empty()) out_dir = ".";
    const bool rotation_step = rotate || activate || retire;
    if (rotation_step && force) {
      std::cerr << "clocksyncctl keygen: --force writes new files; --rotate, --activate and --retire change the "
                   "existing ones\n";
      return 2;
    }
    std::sort(ids.begin(), ids.end());
    if (std::adjacent_find(ids.begin(), ids.end()) != ids.end()) {
      std::cerr << "clocksyncctl keygen: --ids lists an id twice\n";
      return 2;
    }
    if (ids.size() < 2) {
      std::cerr << "clocksyncctl keygen: --ids needs at least two members (a key per pair); for one key shared by "
                   "all, use --out FILE\n";
      return 2;
    }
    const bool key_id_given = keygen->get_option("--key-id")->count() > 0;
    if (key_id_given && (activate || retire)) {
      std::cerr << "clocksyncctl keygen: --key-id names the id --rotate adds; --activate and --retire act on the "
                   "newest id the files hold\n";
      return 2;
    }
    if (rotation_step) {
      using clocksim::daemon::RotationStep;
      const RotationStep step = rotate ? RotationStep::kRotate : activate ? RotationStep::kActivate : RotationStep::kRetire;
      return clocksim::daemon::rotate_key_files(ids, out_dir, step, key_id_given ? std::optional<std::uint32_t>(key_id) : std::nullopt);
    }
    std::vector<std::string> paths;
    for (clocksim::NodeId id : ids) paths.push_back(out_dir + "/node" + std::to_string(id) + ".keys");
    auto folder = clocksim::daemon::prepare_key_folder(out_dir, paths);
    if (const auto* refused = std::get_if<clocksim::daemon::KeyFolderRefusal>(&folder)) {
      std::cerr << "clocksyncctl keygen: " << refused->message << "\n";
      return refused->exit_code;
    }
    const auto texts = clocksim::node::wire::pairwise_keyrings(ids, key_id);
    // All or none: a keyring whose partners got no file would hold keys nobody else has.
    std::vector<std::string> written;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      const std::string& path = paths[i];
      if (auto e = clocksim::node::wire::write_secret_file(path, texts[i], force)) {
        std::cerr << "clocksyncctl keygen: " << *e << (written.empty() ? "" : "; removed the key files written before it") << "\n";
        for (const std::string& w : written) std::remove(w.c_str());
        clocksim::daemon::remove_created_folders(std::get<clocksim::daemon::KeyFolder>(folder));
        return 1;
      }
      written.push_back(path);
    }
    for (const std::string& w : written) std::cout << w << "\n";
    return 0;
  }

  int rc = 0;
  std::map<std::string, std::vector<std::string>> builds;  // build -> the peers that run it
  if (!as_json) {
    std::printf("%-22s %5s %-10s %7s %14s %9s %9s %8s %7s  %s\n", "node", "id", "role", "master", "offset_ms", "pkts_in",
                "pkts_out", "dropped", "rounds", "keys");
  }
  for (const auto& p : peers) {
    auto r = query_status(p, timeout_ms);
    if (auto* e = std::get_if<std::string>(&r)) {
      if (as_json) {
        std::cout << clocksim::node::json_text(nlohmann::json{{"peer", p}, {"error", *e}}) << "\n";
      } else {
        std::printf("%-22s %s\n", p.c_str(), e->c_str());
      }
      rc = 1;
      continue;
    }
    const auto& j = std::get<nlohmann::json>(r);
    if (as_json) {
      std::cout << clocksim::node::json_text(j) << "\n";
      continue;
    }
    try {
      const auto& c = j.at("counters");
      std::printf("%-22s %5u %-10s %7s %14.3f %9llu %9llu %8llu %7llu  %s\n", p.c_str(), j.at("id").get<unsigned>(),
                  printable(j.at("role").get<std::string>()).c_str(), master_text(j.at("believed_master")).c_str(),
                  j.at("clock").at("offset_ns").get<double>() * 1e-6,
                  static_cast<unsigned long long>(c.at("packets_in").get<std::uint64_t>()),
                  static_cast<unsigned long long>(c.at("packets_out").get<std::uint64_t>()),
                  static_cast<unsigned long long>(c.at("dropped_total").get<std::uint64_t>()),
                  static_cast<unsigned long long>(j.at("rounds").get<std::uint64_t>()), keys_text(j.at("keys")).c_str());
      builds[build_text(j)].push_back(p);
    } catch (const nlohmann::json::exception& e) {
      std::printf("%-22s not a clocksyncd status answer: %s\n", p.c_str(), printable(answer_problem(e)).c_str());
      rc = 1;
    }
  }
  // Members of one cluster running different code (an upgrade half done, a node not restarted):
  // said under the table, since the binaries on disk may all be the new one.
  if (builds.size() > 1) {
    std::printf("the nodes run %zu builds:\n", builds.size());
    for (const auto& [build, nodes] : builds) {
      std::string named;
      for (const std::string& node : nodes) named += (named.empty() ? "" : ", ") + node;
      std::printf("  %s: %s\n", build.c_str(), named.c_str());
    }
  }
  return rc;
}

int main(int argc, char** argv) {
  if (!clocksim::config::keep_standard_descriptors_open()) {
    std::cerr << "clocksyncctl: cannot open /dev/null for a closed standard descriptor\n";
    return 2;
  }
  return clocksim::config::finish_standard_output("clocksyncctl", run(argc, argv));
}
