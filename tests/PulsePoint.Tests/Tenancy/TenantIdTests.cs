using PulsePoint.Tenancy;

namespace PulsePoint.Tests.Tenancy;

public sealed class TenantIdTests
{
    [Fact]
    public void TenantId_parses_the_canonical_form_only()
    {
        var id = TenantId.Parse("3F2504E0-4F89-41D3-9A0C-0305E82C3301");

        Assert.Equal("3f2504e0-4f89-41d3-9a0c-0305e82c3301", id.ToString());
        Assert.False(TenantId.TryParse("3f2504e04f8941d39a0c0305e82c3301", out _));
        Assert.False(TenantId.TryParse(null, out _));
    }

    [Fact]
    public void TenantId_error_message_is_bounded_and_printable()
    {
        var error = Assert.Throws<InvalidTenantIdException>(() => TenantId.Parse(new string('x', 5000) + "\u0000"));

        Assert.True(error.Message.Length < 200, error.Message);
        Assert.DoesNotContain("\u0000", error.Message);
    }
}
