namespace FdHandoff.Interop;

/// <summary>
/// The flat native layer: one file per libc call, C names and C constants only here.
/// Everything above it speaks <see cref="System.Net.Sockets.Socket"/>, <see cref="SafeFd"/> and spans.
/// </summary>
internal static partial class Libc
{
    internal const string Name = "libc";
}
