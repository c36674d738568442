/**
 * The ChatML chat template stored as tokenizer.chat_template. It contains `<|im_start|>`, which is how
 * llama.cpp's llama_chat_apply_template recognises ChatML; the Jinja source is for renderers such as
 * @huggingface/jinja and must produce the same text.
 */
export const chatmlTemplate =
  "{% for message in messages %}" +
  "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
