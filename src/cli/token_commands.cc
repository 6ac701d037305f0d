// Copyright (c) the Ferry authors.
#include "cli/token_commands.h"

#include <cstdio>
#include <string>
#include <vector>

#include "cli/output.h"
#include "common/json_builder.h"
#include "server/tokens.h"

namespace ferry::cli {

namespace {

struct TokenArgs {
  std::string name;
  std::string role;
  std::string tokens;
  bool json = false;
};

TokenArgs g_args;
CLI::App* g_token = nullptr;
CLI::App* g_create = nullptr;
CLI::App* g_list = nullptr;
CLI::App* g_revoke = nullptr;

int Create() {
  auto role = server::ParseRole(g_args.role);
  if (!role.ok()) return Fail(role.status());
  auto secret = server::CreateToken(g_args.tokens, g_args.name, role.value());
  if (!secret.ok()) return Fail(secret.status());
  if (g_args.json) {
    internal::JsonBuilder j;
    j.Begin().Key("name").Str(g_args.name).Key("role").Str(server::RoleName(role.value()));
    j.Key("tokens").Str(g_args.tokens).Key("token").Str(secret.value()).End();
    std::printf("%s\n", j.text().c_str());
    return 0;
  }
  std::fprintf(stderr, "Created token \"%s\" (%s) in %s. Store it now: it is shown only this once.\n",
               g_args.name.c_str(), server::RoleName(role.value()), g_args.tokens.c_str());
  std::printf("%s\n", secret.value().c_str());
  return 0;
}

int List() {
  auto tokens = server::ListTokens(g_args.tokens);
  if (!tokens.ok()) return Fail(tokens.status());
  if (g_args.json) {
    internal::JsonBuilder j;
    j.BeginArray();
    for (const server::TokenInfo& t : tokens.value()) {
      j.Begin().Key("name").Str(t.name).Key("role").Str(server::RoleName(t.role));
      j.Key("created_at").Str(t.created_at).End();
    }
    std::printf("%s\n", j.EndArray().text().c_str());
    return 0;
  }
  std::printf("Tokens in %s (oldest first):\n", g_args.tokens.c_str());
  if (tokens.value().empty()) std::printf("  none\n");
  for (const server::TokenInfo& t : tokens.value()) {
    std::printf("  %-24s %-9s %s\n", t.name.c_str(), server::RoleName(t.role), t.created_at.c_str());
  }
  return 0;
}

int Revoke() {
  if (Status s = server::RevokeToken(g_args.tokens, g_args.name); !s.ok()) return Fail(s);
  if (g_args.json) {
    internal::JsonBuilder j;
    std::printf("%s\n", j.Begin().Key("revoked").Str(g_args.name).Key("tokens").Str(g_args.tokens).End().text().c_str());
    return 0;
  }
  std::printf("Revoked token \"%s\" in %s: a running `ferry serve` refuses it from its next request.\n",
              g_args.name.c_str(), g_args.tokens.c_str());
  return 0;
}

void AddTokensOption(CLI::App* sub) {
  sub->add_option("--tokens", g_args.tokens, "the tokens file (JSON; created mode 0600 by `token create`)")
      ->required();
}

}  // namespace

void RegisterTokenCommands(CLI::App& app) {
  g_token = app.add_subcommand("token", "API tokens of `ferry serve`: create | list | revoke");
  g_token->require_subcommand(1);
  g_create = g_token->add_subcommand("create", "create a token; prints it once on stdout (only its SHA-256 is kept)");
  g_create->add_option("name", g_args.name, "token name: 1-64 of A-Z a-z 0-9 _ . -")->required();
  g_create->add_option("--role", g_args.role, "what it may do: viewer | operator | admin")->required();
  AddTokensOption(g_create);
  g_create->add_flag("--json", g_args.json, "print {name, role, tokens, token} as JSON");
  g_list = g_token->add_subcommand("list", "tokens: name, role, created (never a secret or hash)");
  AddTokensOption(g_list);
  g_list->add_flag("--json", g_args.json, "print JSON");
  g_revoke = g_token->add_subcommand("revoke", "remove a token; a running server refuses it at once");
  g_revoke->add_option("name", g_args.name, "token name")->required();
  AddTokensOption(g_revoke);
  g_revoke->add_flag("--json", g_args.json, "print {\"revoked\": NAME, \"tokens\": FILE}");
}

bool RunTokenCommand(int* exit_code) {
  if (g_token == nullptr || !g_token->parsed()) return false;
  if (g_create->parsed()) {
    *exit_code = Create();
  } else if (g_list->parsed()) {
    *exit_code = List();
  } else if (g_revoke->parsed()) {
    *exit_code = Revoke();
  } else {
    *exit_code = ExitCodeFor(ErrorCode::kInvalidArgument);
  }
  return true;
}

}  // namespace ferry::cli
