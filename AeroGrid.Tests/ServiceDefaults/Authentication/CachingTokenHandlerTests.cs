using System.Security.Cryptography;
using AeroGrid.ServiceDefaults.Authentication;
using AeroGrid.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace AeroGrid.Tests.ServiceDefaults.Authentication;

public sealed class CachingTokenHandlerTests
{
    private const string Issuer = "https://issuer.example/";
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "k1" };

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static TokenValidationParameters Trusting(params SecurityKey[] keys) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = TestTokens.Audience,
        IssuerSigningKeys = keys,
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
    };

    [Fact]
    public async Task A_validated_token_is_reused_until_it_expires_and_then_checked_again()
    {
        var clock = new ManualClock();
        var handler = new CachingTokenHandler(clock);
        var expires = DateTime.UtcNow.AddMinutes(10);
        var token = TestTokens.Create(Key, Issuer, "acme", expires: expires);
        Assert.True((await handler.ValidateTokenAsync(token, Trusting(Key))).IsValid);

        // The key is no longer trusted: only the cache can accept the token now.
        var cached = await handler.ValidateTokenAsync(token, Trusting());
        Assert.True(cached.IsValid);
        Assert.Equal("acme", cached.ClaimsIdentity.FindFirst(TestTokens.TenantClaim)?.Value);

        clock.Now = expires.AddSeconds(1);
        Assert.False((await handler.ValidateTokenAsync(token, Trusting())).IsValid);
    }

    [Fact]
    public async Task A_refused_token_is_not_remembered()
    {
        var handler = new CachingTokenHandler(TimeProvider.System);
        var token = TestTokens.Create(Key, Issuer, "acme");

        Assert.False((await handler.ValidateTokenAsync(token, Trusting())).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Trusting(Key))).IsValid);
    }

    [Fact]
    public async Task Each_reuse_gets_its_own_identity()
    {
        var handler = new CachingTokenHandler(TimeProvider.System);
        var token = TestTokens.Create(Key, Issuer, "acme");
        var first = await handler.ValidateTokenAsync(token, Trusting(Key));
        first.ClaimsIdentity.AddClaim(new("added", "by the first request"));

        var second = await handler.ValidateTokenAsync(token, Trusting(Key));
        second.ClaimsIdentity.AddClaim(new("added", "by the second request"));

        var third = await handler.ValidateTokenAsync(token, Trusting(Key));
        Assert.Null(third.ClaimsIdentity.FindFirst("added"));
        Assert.Equal("acme", third.ClaimsIdentity.FindFirst(TestTokens.TenantClaim)?.Value);
    }
}
