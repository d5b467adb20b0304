// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Kdump.Tests.Support;

/// <summary>
/// The hand-written kdump argument loop as it was before it moved onto Dumpkit.Cli's getopt, frozen
/// as the oracle of KdumpArgumentsTests: the same outcome on every command line. Not for anything else.
/// </summary>
public static class LegacyKdumpArguments
{
    /// <summary>"help", "unexpected: ARG", or the configuration, the vmcore and the command.</summary>
    public static string Parse(IReadOnlyList<string> args)
    {
        string configPath = KdumpConfig.DefaultPath;
        bool configGiven = false;
        string? vmcore = null, command = null;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i];
            string? Value(string name)
            {
                if (a.StartsWith(name + "=", StringComparison.Ordinal)) return a[(name.Length + 1)..];
                if (a == name && i + 1 < args.Count) return args[++i];
                return null;
            }
            if (a is "-h" or "--help" or "help") return "help";
            if (a.StartsWith("--config", StringComparison.Ordinal) && Value("--config") is { } c) { configPath = c; configGiven = true; }
            else if (a.StartsWith("--vmcore", StringComparison.Ordinal) && Value("--vmcore") is { } v) vmcore = v;
            else if (a.StartsWith('-') || command is not null)
                return $"unexpected: {a}";
            else command = a;
        }
        return Show(configPath, configGiven, vmcore, command);
    }

    public static string Show(string configPath, bool configGiven, string? vmcore, string? command) =>
        $"config={configPath} given={configGiven} vmcore={vmcore ?? "(null)"} command={command ?? "(null)"}";
}
