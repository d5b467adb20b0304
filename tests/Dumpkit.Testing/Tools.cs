// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Makedumpfile;

namespace Dumpkit.Testing;

/// <summary>Runs the makedumpfile personality in-process, capturing its streams.</summary>
public static class Tools
{
    public sealed record Result(int ExitCode, string Out, string Err, byte[] Stdout);

    public static Result Makedumpfile(params string[] args) => Makedumpfile(Stream.Null, args);

    public static Result Makedumpfile(Stream stdin, params string[] args)
    {
        var stdout = new MemoryStream();
        var o = new StringWriter();
        var e = new StringWriter();
        int rc = MakedumpfileCommand.Run(args, stdin, stdout, o, e);
        return new Result(rc, o.ToString(), e.ToString(), stdout.ToArray());
    }
}
