// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

namespace Dumpkit.Tcpdump.Tests;

/// <summary>
/// The test assembly's entry point (the test SDK's generated one does nothing): <c>dotnet
/// Dumpkit.Tcpdump.Tests.dll tcpdump ARGS</c> runs our tcpdump as a process of its own, for the tests that need
/// it in a mount namespace (a multithreaded test host cannot enter one), e.g. <see cref="NameResolutionTests"/>.
/// </summary>
public static class Program
{
    public static int Main(string[] args) => args is ["tcpdump", .. var rest] ? TcpdumpCommand.Run(rest) : 0;
}
