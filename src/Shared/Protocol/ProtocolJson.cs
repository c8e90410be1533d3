using System.Text.Json.Serialization;

namespace FdHandoff.Protocol;

/// <summary>Source-generated JSON contracts for every payload (no reflection: NativeAOT-safe).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, MaxDepth = 8)]
[JsonSerializable(typeof(HelloMessage))]
[JsonSerializable(typeof(ListenersMessage))]
[JsonSerializable(typeof(ReadyMessage))]
[JsonSerializable(typeof(DrainMessage))]
[JsonSerializable(typeof(ByeMessage))]
[JsonSerializable(typeof(ErrorMessage))]
[JsonSerializable(typeof(HandOverMessage))]
[JsonSerializable(typeof(HandOverResultMessage))]
[JsonSerializable(typeof(ConnectionMessage))]
[JsonSerializable(typeof(ConnectionTakenMessage))]
[JsonSerializable(typeof(LoadMessage))]
[JsonSerializable(typeof(ExecMessage))]
[JsonSerializable(typeof(ReattachMessage))]
[JsonSerializable(typeof(ReattachedMessage))]
[JsonSerializable(typeof(UpgradeRequest))]
[JsonSerializable(typeof(UpgradeResult))]
[JsonSerializable(typeof(StatusRequest))]
[JsonSerializable(typeof(StatusReply))]
[JsonSerializable(typeof(ReexecRequest))]
[JsonSerializable(typeof(ReexecResult))]
[JsonSerializable(typeof(SupervisorStatus))]
internal sealed partial class ProtocolJson : JsonSerializerContext;
