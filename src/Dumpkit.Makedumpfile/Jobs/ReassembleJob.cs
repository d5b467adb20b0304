// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Diagnostics;
using Dumpkit.Formats;
using Dumpkit.Formats.Diskdump;
using Dumpkit.Formats.IO;
using Dumpkit.Kernel.Mm;

namespace Dumpkit.Makedumpfile;

/// <summary>One kdump-compressed file from the parts of a split set (<c>makedumpfile --reassemble</c>).</summary>
public sealed record ReassembleJob
{
    public required IReadOnlyList<string> Parts { get; init; }
    public required string Output { get; init; }
    public bool Overwrite { get; init; }
    public long SizeLimit { get; init; } = long.MaxValue;

    /// <summary>Threads that compress pages; 0 = every CPU.</summary>
    public int Threads { get; init; }

    public int MessageLevel { get; init; } = Messages.DefaultLevel;

    /// <summary>Runs the job; 0 when the file is complete, 1 otherwise.</summary>
    public int Run(TextWriter output, TextWriter errors) =>
        JobRunner.Run(new Messages(output, errors, MessageLevel, false), Run);

    internal int Run(Messages msg)
    {
        if (!Overwrite && JobRunner.Exists(Output))
        {
            msg.Fail($"Can't open the dump file ({Output}). File exists (use -f to overwrite).");
            return JobRunner.Failed;
        }
        using var input = DumpReader.Open(Parts);
        if (input.Kind != DumpKind.Diskdump)
        {
            msg.Fail($"{Parts[0]}: --reassemble needs kdump-compressed split files.");
            return JobRunner.Failed;
        }
        var meta = new DumpMetadata
        {
            Utsname = input.Utsname?.ToArray() ?? [],
            CrashTime = input.CrashTime ?? 0,
            PhysBase = input.PhysBaseHint ?? 0,
        };
        var stats = new Statistics(input);
        var clock = Stopwatch.StartNew();
        int threads = Threads > 0 ? Threads : Environment.ProcessorCount;
        var options = DumpWriters.DiskdumpOptionsFor(input, meta, (DumpLevel)(input.FilterLevel ?? 0), input.Codec, threads,
            DiskdumpWriter.DefaultCycleFrames, (done, total) => msg.ShowProgress("Copying data", done, total, clock));
        DiskdumpWriteResult result;
        using (var sink = new FileDumpSink(Output, Overwrite, SizeLimit))
            result = DiskdumpWriter.Write(sink, input, input.MaxPfn, new DumpBitmaps(input, null, stats), options);
        if (result.Incomplete)
        {
            msg.ReportCut(result.IncompleteReason, result.NoSpaceFile);
            return JobRunner.Failed;
        }
        msg.Info("");
        msg.Info($"The dumpfile is saved to {Output}.");
        return JobRunner.Ok;
    }
}
