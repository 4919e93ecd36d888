// Key files on disk. A key file is a secret: like ssh with a private key, the daemon refuses one
// that anybody but its owner may read or write, and `clocksyncctl keygen` creates them 0600.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "algorithms/core/ids.hpp"
#include "node/wire/keyring.hpp"

namespace clocksim::node::wire {

// Reads a keyring (keyring.hpp) after checking that `path` is a regular file with no group or
// world permission bits, owned by this user, by root or by `run_as_uid`: the user a daemon
// started as root is about to become, who must be able to read the file again to reload it.
std::variant<Keyring, std::string> load_keyring_file(const std::string& path,
                                                     std::optional<std::uint32_t> run_as_uid = std::nullopt);

// `bytes` random bytes from the OpenSSL CSPRNG, as lowercase hex.
std::string random_key_hex(std::size_t bytes);

// Pairwise keys for the members `ids`: one keyring text per member holding the keys it shares
// with every other member (key id `key_id`, marked accept-only if `accept_only`), in the order
// of `ids`.
std::vector<std::string> pairwise_keyrings(const std::vector<NodeId>& ids, std::uint32_t key_id,
                                           bool accept_only = false);

// Creates `path` with mode 0600 (never overwrites unless `overwrite`) and writes `text`.
std::optional<std::string> write_secret_file(const std::string& path, const std::string& text, bool overwrite);

// Replaces the secret file at `path` by `text` atomically (a temporary beside it, mode 0600,
// fsync, rename), so a daemon reloading meanwhile reads the old file or the new one, never half
// of one; the new file keeps the old one's owner and group (as root, a file the daemon's user
// owns stays readable by that user for its next reload).
std::optional<std::string> replace_secret_file(const std::string& path, const std::string& text);

}  // namespace clocksim::node::wire
