package dev.beamllm.provider.openai;

import static org.junit.Assert.assertEquals;

import dev.beamllm.model.ModelSpec;
import dev.beamllm.model.WireFormat;
import java.util.Map;
import org.junit.Test;

/**
 * The placeholders of an {@code api_base} are filled from the environment before a request goes
 * out: Cloudflare Workers AI's {@code {account_id}} from {@code CLOUDFLARE_ACCOUNT_ID}
 * (developers.cloudflare.com/workers-ai/configuration/open-ai-compatibility), Azure's {@code
 * {resource}} from {@code AZURE_OPENAI_RESOURCE} and {@code {deployment}} from the API name.
 */
public class BaseUrlPlaceholderTest {
  private static final String CLOUDFLARE =
      "https://api.cloudflare.com/client/v4/accounts/{account_id}/ai/v1";

  private static ModelSpec model(String provider, String base, String apiName) {
    return ModelSpec.builder()
        .setId("m")
        .setProvider(provider)
        .setWireFormat(WireFormat.OPENAI)
        .setApiName(apiName)
        .setApiBase(base)
        .build();
  }

  @Test
  public void cloudflareTakesTheAccountIdFromItsVariable() {
    ModelSpec m = model("cloudflare", CLOUDFLARE, "@cf/openai/gpt-oss-120b");
    assertEquals(
        "https://api.cloudflare.com/client/v4/accounts/0123abcd/ai/v1",
        OpenAiChatAdapter.fillBase(CLOUDFLARE, m, Map.of("CLOUDFLARE_ACCOUNT_ID", "0123abcd")));
  }

  @Test
  public void azureTakesItsResourceAndDeployment() {
    String base = "https://{resource}.openai.azure.com/openai/deployments/{deployment}";
    ModelSpec m = model("azure", base, "gpt-4o");
    assertEquals(
        "https://res1.openai.azure.com/openai/deployments/gpt-4o",
        OpenAiChatAdapter.fillBase(base, m, Map.of("AZURE_OPENAI_RESOURCE", "res1")));
  }

  @Test
  public void aBaseWithoutPlaceholdersIsUntouched() {
    String base = "https://api.groq.com/openai/v1";
    assertEquals(
        base,
        OpenAiChatAdapter.fillBase(
            base, model("groq", base, "x"), Map.of("CLOUDFLARE_ACCOUNT_ID", "a")));
  }
}
