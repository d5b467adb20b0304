// Copyright (c) The Dumpkit authors.
// Licensed under the MIT License. See LICENSE in the repository root.

using Dumpkit;

Dumpkit.Cli.ProcessSignals.CaptureInheritedDispositions();
return Multicall.Run(Multicall.InvokedName(), args);
