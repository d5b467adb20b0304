// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Formats.Flattened;
using Dumpkit.Formats.IO;

namespace Dumpkit.Makedumpfile;

/// <summary>A dump file rebuilt from a flattened stream (<c>makedumpfile -R DUMPFILE &lt; STREAM</c>).</summary>
public sealed record RearrangeJob
{
    public required Stream Stream { get; init; }
    public string StreamName { get; init; } = "<stdin>";
    public required string Output { get; init; }
    public bool Overwrite { get; init; }
    public bool DryRun { get; init; }
    public int MessageLevel { get; init; } = Messages.DefaultLevel;

    /// <summary>Runs the job; 0 when the file was rebuilt, 1 otherwise (a partial file is removed).</summary>
    public int Run(TextWriter output, TextWriter errors) =>
        JobRunner.Run(new Messages(output, errors, MessageLevel, false), Run);

    internal int Run(Messages msg)
    {
        if (DryRun) return JobRunner.Ok;
        using (var sink = new FileDumpSink(Output, Overwrite))
        {
            try
            {
                FlattenedRearranger.Rearrange(Stream, StreamName, sink);
            }
            catch
            {
                sink.Dispose();
                JobRunner.TryDelete(Output);
                throw;
            }
        }
        msg.Info("");
        msg.Info($"The dumpfile is saved to {Output}.");
        return JobRunner.Ok;
    }
}
