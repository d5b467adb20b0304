using Dumpkit;

return Multicall.Run(Multicall.InvokedName(), args);
