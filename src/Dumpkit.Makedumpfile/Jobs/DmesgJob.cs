// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit.Kernel;

namespace Dumpkit.Makedumpfile;

/// <summary>The crashed kernel's log from a vmcore into a file (<c>makedumpfile --dump-dmesg</c>).</summary>
public sealed record DmesgJob
{
    public required string Input { get; init; }
    public required string Output { get; init; }

    /// <summary>Only the records since the last <c>dmesg -c</c> (<c>--partial-dmesg</c>).</summary>
    public bool Partial { get; init; }

    /// <summary>Replace an existing log file (<c>-f</c>); otherwise one is created only where nothing is.</summary>
    public bool Overwrite { get; init; }

    public string? VmcoreinfoFile { get; init; }
    public bool Mmap { get; init; } = true;
    public bool DryRun { get; init; }
    public int MessageLevel { get; init; } = Messages.DefaultLevel;

    /// <summary>Runs the job; 0 when the log was saved, 1 otherwise.</summary>
    public int Run(TextWriter output, TextWriter errors) =>
        JobRunner.Run(new Messages(output, errors, MessageLevel, false), Run);

    internal int Run(Messages msg)
    {
        if (!Overwrite && !DryRun && JobRunner.Exists(Output))
        {
            msg.Fail($"Can't open the dump file ({Output}). File exists (use -f to overwrite).");
            return JobRunner.Failed;
        }
        using var input = Formats.DumpReader.Open(Input, Mmap);
        var info = JobRunner.LoadVmcoreinfo(VmcoreinfoFile, input);
        if (info is null)
        {
            msg.Fail($"{Input}: no VMCOREINFO in the dump; give one with -i.");
            return JobRunner.Failed;
        }
        byte[] log;
        try
        {
            log = Dmesg.Extract(input, info, Partial, msg.Err);
        }
        catch (KernelDataException e)
        {
            msg.Fail($"{Input}: cannot read the kernel log: {e.Message}");
            return JobRunner.Failed;
        }
        if (DryRun)
            return JobRunner.Ok;
        if (!JobRunner.TryWriteNewFile(Output, log, Overwrite, msg))
            return JobRunner.Failed;
        msg.Info("");
        msg.Info($"The dmesg log is saved to {Output}.");
        return JobRunner.Ok;
    }
}
