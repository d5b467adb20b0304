// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Crash;

/// <summary>One crash command: its name, its synopsis (for usage errors and help) and what it does.</summary>
internal interface ICrashCommand
{
    string Name { get; }

    /// <summary>crash's SYNOPSIS line(s) after "Usage:", e.g. <c>  sym [-l] | [symbol | vaddr]</c>.</summary>
    string Synopsis { get; }

    /// <summary>One-line summary for <c>help NAME</c>.</summary>
    string Summary { get; }

    /// <summary>Runs with the words after the command name; writes to <see cref="CrashSession.Out"/>; throws <see cref="CommandException"/>.</summary>
    void Run(CrashSession session, string[] args);
}
