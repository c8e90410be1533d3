using System.Text.Json.Serialization;

namespace FdHandoff.Supervisor.Resilience;

/// <summary>Source-generated JSON for the re-exec hand-off (no reflection: the supervisor is NativeAOT-compiled).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(ReexecHandOff))]
internal sealed partial class ReexecJson : JsonSerializerContext;
