#include "daemon/cli/key_rotation_command.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <iostream>
#include <sstream>

#include "daemon/cli/key_folder.hpp"
#include "node/wire/key_file.hpp"

namespace clocksim::daemon {
namespace {

const char* flag_of(RotationStep step) {
  switch (step) {
    case RotationStep::kRotate: return "--rotate";
    case RotationStep::kActivate: return "--activate";
    case RotationStep::kRetire: return "--retire";
  }
  return "";
}

// Why the file `path` (`ring`) lacks a key `step` needs for `peer`, where `highest` is the highest
// key id any member's file holds.
std::optional<std::string> key_missing(RotationStep step, const node::wire::Keyring& ring, const std::string& path,
                                       NodeId peer, std::uint32_t highest) {
  const std::string member = "member " + std::to_string(peer);
  if (ring.accepted_key_ids(peer).empty()) return path + " has no key for " + member;
  const auto signing = ring.signing_key(peer);
  if (!signing) return path + " has no key to sign with for " + member + " (only accept-only ones)";
  if (step != RotationStep::kRotate && ring.find(peer, highest) == nullptr) {
    return path + " has no key with id " + std::to_string(highest) + " for " + member + " (its highest is " +
           std::to_string(ring.accepted_key_ids(peer).back()) + "): run --rotate for every member first";
  }
  return std::nullopt;
}

// Why `step` cannot follow the step `path` is at for `peer`, once no key is missing.
std::optional<std::string> out_of_order(RotationStep step, const node::wire::Keyring& ring, const std::string& path,
                                        NodeId peer, std::uint32_t highest) {
  const std::string member = "member " + std::to_string(peer);
  const std::uint32_t signing_id = ring.signing_key(peer)->first;
  if (step == RotationStep::kRotate && ring.accepted_key_ids(peer).back() > signing_id) {
    return path + " still accepts key id " + std::to_string(ring.accepted_key_ids(peer).back()) + " from " + member +
           " without signing with it: a rotation is under way; finish it with --activate (then --retire), "
           "reloading every member after each";
  }
  if (step == RotationStep::kRetire && signing_id != highest) {
    return path + " still only accepts key id " + std::to_string(highest) + " from " + member +
           ": run --activate and reload every member first, or members not yet signing with it would be cut off";
  }
  return std::nullopt;
}

}  // namespace

int rotate_key_files(const std::vector<NodeId>& ids, const std::string& dir, RotationStep step,
                     std::optional<std::uint32_t> new_key_id) {
  const char* what = flag_of(step);
  auto refuse = [&](const std::string& why) {
    std::cerr << "clocksyncctl keygen " << what << ": " << why << "; no file changed\n";
    return 2;
  };
  std::vector<std::string> paths, old_texts;
  for (NodeId id : ids) paths.push_back(dir + "/node" + std::to_string(id) + ".keys");
  if (auto e = key_folder_problem(dir, paths, KeyFileLinks::kFollowed)) return refuse(*e);
  std::vector<node::wire::Keyring> rings;
  for (const std::string& path : paths) {
    // The checks a daemon makes (mode 0600, owner, key strength, syntax) before anything is
    // changed; root may tend files that the daemon's user owns.
    std::optional<std::uint32_t> owner;
    struct stat st {};
    if (::geteuid() == 0 && ::stat(path.c_str(), &st) == 0) owner = static_cast<std::uint32_t>(st.st_uid);
    auto ring = node::wire::load_keyring_file(path, owner);
    if (auto* e = std::get_if<std::string>(&ring)) return refuse(*e);
    if (std::get<node::wire::Keyring>(ring).is_shared()) {
      return refuse(path + " holds one cluster-wide key, which has no key ids: write pair keys with "
                           "`clocksyncctl keygen --ids ... --force` instead");
    }
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) return refuse(path + ": cannot read it");
    old_texts.push_back(text.str());
    rings.push_back(std::move(std::get<node::wire::Keyring>(ring)));
  }
  // A step taken for some members only would leave the pairs with the others behind: their
  // files would disagree on the highest id, and no later step could be taken for everyone.
  std::optional<std::string> left_out;
  std::vector<NodeId> everyone = ids;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    for (NodeId peer : rings[i].peers()) {
      if (std::find(everyone.begin(), everyone.end(), peer) != everyone.end()) continue;
      everyone.push_back(peer);
      if (!left_out) left_out = paths[i] + " holds keys for member " + std::to_string(peer);
    }
  }
  if (left_out) {
    std::sort(everyone.begin(), everyone.end());
    std::string all;
    for (NodeId id : everyone) all += (all.empty() ? "" : ",") + std::to_string(id);
    return refuse(*left_out + ", which --ids leaves out: each step changes the keys of every pair, so list every member (--ids " +
                  all + ")");
  }
  std::uint32_t highest = 0;
  for (const auto& r : rings) highest = std::max(highest, r.highest_key_id());
  // A missing key first: no order of steps mends it.
  for (auto check : {key_missing, out_of_order}) {
    for (std::size_t i = 0; i < ids.size(); ++i) {
      for (NodeId peer : ids) {
        if (peer == ids[i]) continue;
        if (auto why = check(step, rings[i], paths[i], peer, highest)) return refuse(*why);
      }
    }
  }

  std::vector<std::string> new_texts;
  switch (step) {
    case RotationStep::kRetire:
      for (const std::string& t : old_texts) new_texts.push_back(node::wire::keep_key_id(t, highest));
      break;
    case RotationStep::kActivate:
      for (const std::string& t : old_texts) new_texts.push_back(node::wire::activate_key_id(t, highest));
      break;
    case RotationStep::kRotate: {
      if (!new_key_id && highest == std::numeric_limits<std::uint32_t>::max()) {
        return refuse("no key id above " + std::to_string(highest) +
                      " is left (a node signs with its highest id): generate new files with `keygen --key-id 1`");
      }
      const std::uint32_t id = new_key_id.value_or(highest + 1);
      if (id <= highest) {
        return refuse("key id " + std::to_string(id) + " is not above the highest in use, " + std::to_string(highest) +
                      " (a node signs with its highest id)");
      }
      const auto added = node::wire::pairwise_keyrings(ids, id, /*accept_only=*/true);
      for (std::size_t i = 0; i < ids.size(); ++i) {
        std::string t = old_texts[i];
        if (!t.empty() && t.back() != '\n') t += '\n';
        // The new keys without the file header the old text already has.
        const std::string& keys = added[i];
        const std::size_t body = keys.rfind("#", 0) == 0 ? keys.find('\n') + 1 : 0;
        t += "# key id " + std::to_string(id) + " (clocksyncctl keygen --rotate; --activate signs with it)\n" +
             keys.substr(body);
        new_texts.push_back(std::move(t));
      }
      break;
    }
  }

  for (std::size_t i = 0; i < paths.size(); ++i) {
    if (auto e = node::wire::replace_secret_file(paths[i], new_texts[i])) {
      std::cerr << "clocksyncctl keygen " << what << ": " << *e;
      for (std::size_t j = 0; j < i; ++j) {
        if (auto back = node::wire::replace_secret_file(paths[j], old_texts[j])) {
          std::cerr << "; and could not put back " << paths[j] << ": " << *back;
        }
      }
      std::cerr << (i > 0 ? "; put back the files changed before it" : "") << "\n";
      return 1;
    }
  }
  for (const std::string& p : paths) std::cout << p << "\n";
  return 0;
}

}  // namespace clocksim::daemon
