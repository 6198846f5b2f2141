using ExpertPool.Domain.Common;

namespace ExpertPool.Tests.Domain;

public sealed class PersonalDataTests
{
    [Theory]
    [InlineData("13812345678", "138****5678")]
    [InlineData("0571-88881234", "057******1234")]
    [InlineData("88881234", "******34")]
    [InlineData("123456", "****56")]
    [InlineData("12345", "*****")]
    [InlineData("", "")]
    public void MaskPhone_HidesMostOfTheNumber(string phone, string masked) => PersonalData.MaskPhone(phone).Should().Be(masked);

    [Theory]
    [InlineData("Zhang.Wei@example.com", "Z***@example.com")]
    [InlineData("abc@x.cn", "a***@x.cn")]
    [InlineData("ab@x.cn", "***@x.cn")]
    [InlineData("a@x.cn", "***@x.cn")]
    [InlineData("no-at-sign", "***")]
    public void MaskEmail_KeepsOnlyTheFirstCharacterOfALongerLocalPart(string email, string masked) => PersonalData.MaskEmail(email).Should().Be(masked);
}
