// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using System.Globalization;
using System.Text;

namespace Dumpkit.Crash.Commands;

/// <summary>
/// <c>mod</c>: the loaded modules as crash 8 lists them without module debuginfo: struct module
/// address, name, base, size, <c>(not loaded)  [CONFIG_KALLSYMS]</c>, sorted by base. Kernels with
/// <c>module.mem[]</c> (6.4+) show TEXT_BASE and the core size, as newer crash does.
/// </summary>
internal sealed class ModCommand : ICrashCommand
{
    public string Name => "mod";
    public string Synopsis => "  mod -s module [objfile] | -d module | -S [directory] [-D|-t|-r|-R|-o|-g]";
    public string Summary => "module information and loading of symbols and debugging data";

    public void Run(CrashSession session, string[] args)
    {
        foreach (var arg in args)
        {
            if (arg.Length > 1 && arg[0] == '-' && "sdSDtrRog".Contains(arg[1], StringComparison.Ordinal))
                throw new CommandException($"mod: option {arg} is not supported by dumpkit crash (no module debuginfo is loaded)");
            if (arg.StartsWith('-'))
                throw new CommandException($"mod: invalid option -- '{arg.TrimStart('-').FirstOrDefault()}'\n" + CrashSession.Usage(this).Message);
            throw CrashSession.Usage(this);
        }
        var modules = session.Modules.Modules;
        if (modules.Count == 0)
            return;
        bool memoryLayout = session.Types.MemberPath("module.mem") is not null;
        int nameWidth = modules.Max(m => m.Name.Length);
        int sizeWidth = modules.Max(m => m.Size.ToString(CultureInfo.InvariantCulture).Length);
        var o = session.Out;
        o.WriteLine($"{Center("MODULE", 16)}  {"NAME".PadRight(nameWidth)}  {Center(memoryLayout ? "TEXT_BASE" : "BASE", 16)}  "
            + $"{"SIZE".PadLeft(sizeWidth)}  OBJECT FILE");
        foreach (var m in modules)
        {
            var size = m.Size.ToString(CultureInfo.InvariantCulture).PadLeft(sizeWidth);
            o.WriteLine($"{m.Struct:x16}  {m.Name.PadRight(nameWidth)}  {m.Base:x16}  {size}  (not loaded)  [CONFIG_KALLSYMS]");
        }
    }

    // crash's mkstring(CENTER|LJUST): an odd leftover space goes to the right.
    private static string Center(string text, int width)
    {
        int extra = Math.Max(0, width - text.Length);
        return new StringBuilder().Append(' ', extra / 2).Append(text).Append(' ', extra - extra / 2).ToString();
    }
}
