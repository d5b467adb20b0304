// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash.Commands;

/// <summary><c>q</c> / <c>exit</c>: ends the session (the session loop acts on it).</summary>
internal sealed class QuitCommand(string name) : ICrashCommand
{
    public string Name => name;
    public string Synopsis => $"  {name}";
    public string Summary => "exit this session";
    public void Run(CrashSession session, string[] args) { }
}
