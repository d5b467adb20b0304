// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.


namespace Dumpkit.Kdump.Tests.Support;

/// <summary>The kdump command run against the kexec tests' fake system.</summary>
public static class FakeSystemKdump
{
    public static int Kdump(this FakeSystem f, params string[] args) => KdumpCommand.Run(args, f.Host);
}
